package io.isohost.lb.internal;

import io.isohost.lb.RouteKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The balancer's meters: a route is tagged {@code service} and {@code component} (the route's
 * name), a backend {@code backend} (its container). Meters are registered once and looked up once
 * per route, not per request.
 */
final class BalancerMeters {
    private final MeterRegistry registry;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    // per route, stable across table changes so that the gauge keeps reading the live count
    private final Map<RouteKey, AtomicInteger> queued = new ConcurrentHashMap<>();

    BalancerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    static List<Tag> tags(RouteKey key) {
        return List.of(Tag.of("service", key.service()), Tag.of("component", key.name()));
    }

    /** A route's meters. */
    final class RouteMeters {
        final Timer queueTime;
        final Counter rejectedQueueFull;
        final Counter rejectedQueueTimeout;
        final Counter rejectedNoBackend;
        final Counter rejectedTenantShare;
        /** Requests waiting in the route's queue now. */
        final AtomicInteger waiting;
        private final RouteKey key;

        RouteMeters(RouteKey key) {
            this.key = key;
            this.waiting = queued.computeIfAbsent(key, k -> registry.gauge("isohost_lb_queued", tags(k), new AtomicInteger()));
            this.queueTime = Timer.builder("isohost_lb_queue").description("Time requests waited for a backend permit")
                    .tags(tags(key)).publishPercentiles(0.5, 0.99).register(registry);
            this.rejectedQueueFull = reject("queue-full");
            this.rejectedQueueTimeout = reject("queue-timeout");
            this.rejectedNoBackend = reject("no-backend");
            this.rejectedTenantShare = reject("tenant-share");
        }

        /** The time requests of this route take on {@code backend}. */
        Timer requests(String backend) {
            return requestTimers.computeIfAbsent(key + "\u0000" + backend, k -> Timer.builder("isohost_lb_request")
                    .description("Requests through the balancer, by backend").tags(tags(key))
                    .tag("backend", backend).publishPercentiles(0.5, 0.9, 0.99).register(registry));
        }

        private Counter reject(String reason) {
            return Counter.builder("isohost_lb_rejects").description("Requests refused by the balancer")
                    .tags(tags(key)).tag("reason", reason).register(registry);
        }
    }

    RouteMeters route(RouteKey key) {
        return new RouteMeters(key);
    }

    /** A backend's gauges, registered when it first appears. */
    void backend(BackendState s) {
        List<Tag> tags = List.of(Tag.of("backend", s.endpoint.container()));
        registry.gauge("isohost_lb_in_flight", tags, s, b -> b.inFlight.get());
        registry.gauge("isohost_lb_limit", tags, s, b -> b.limit.limit());
    }
}
