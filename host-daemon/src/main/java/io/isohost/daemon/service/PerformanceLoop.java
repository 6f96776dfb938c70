package io.isohost.daemon.service;

import io.isohost.container.ContainerHost;
import io.isohost.container.ServiceContainer;
import io.isohost.deploy.ComponentPerformance;
import io.isohost.deploy.ContainerPerformance;
import io.isohost.deploy.PerformanceData;
import io.isohost.lb.LoadBalancer;
import io.isohost.lb.RouteKey;
import io.isohost.rm.DomainUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Every period, turns what the load balancer and the containers measured into performance data
 * and asks each service's generator again: this is how threshold and per-component generators see
 * load. Rates are over the period; response times come from the balancer. Components are measured
 * at the granularity the balancer routes them (an application server with its embedded servlets
 * counts as one).
 */
public final class PerformanceLoop {
    private static final Logger log = LoggerFactory.getLogger(PerformanceLoop.class);

    private final Services services;
    private final ContainerHost host;
    private final LoadBalancer balancer;
    private final Map<RouteKey, long[]> lastComponent = new HashMap<>();   // requests, total micros
    private final Map<String, long[]> lastContainer = new HashMap<>();   // cpu ns, requests, waits, denials
    private long lastTick = System.nanoTime();

    public PerformanceLoop(Services services, ContainerHost host, LoadBalancer balancer) {
        this.services = services;
        this.host = host;
        this.balancer = balancer;
    }

    /** Measures the period since the last tick and hands it to every service's generator. */
    public synchronized PerformanceData tick() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastTick) / 1e9);
        lastTick = now;
        Map<String, ComponentPerformance> components = new HashMap<>();
        if (balancer != null) {
            // the balancer measures routes (one per servlet); generators think in components, so a
            // component's servlets are summed: requests, total time, the worst p99
            Map<RouteKey, String> owner = routeOwners();
            Map<String, double[]> sums = new HashMap<>(); // requests, micros, p99 ms
            balancer.stats().forEach((route, s) -> {
                long totalMicros = (long) (s.meanMillis() * 1000 * s.requests());
                long[] prev = lastComponent.getOrDefault(route, new long[2]);
                lastComponent.put(route, new long[]{s.requests(), totalMicros});
                double[] sum = sums.computeIfAbsent(owner.getOrDefault(route, route.name()), k -> new double[3]);
                sum[0] += Math.max(0, s.requests() - prev[0]);
                sum[1] += Math.max(0, totalMicros - prev[1]);
                sum[2] = Math.max(sum[2], s.p99Millis());
            });
            sums.forEach((component, sum) -> components.put(component, new ComponentPerformance(sum[0] / seconds,
                    Duration.ofNanos(sum[0] <= 0 ? 0 : (long) (sum[1] * 1000 / sum[0])), Duration.ofNanos((long) (sum[2] * 1e6)), 0)));
        }
        Map<String, ContainerPerformance> containers = new HashMap<>();
        int cores = host.cpu().cores();
        for (ServiceContainer c : host.containers()) {
            long cpu = c.domain("cpu-time").map(d -> d.usage().charged()).orElse(0L);
            DomainUsage req = c.domain("requests").map(d -> d.usage()).orElse(new DomainUsage(0, 0, 0, 0, 0, 0));
            long waits = c.domains().stream().mapToLong(d -> d.usage().waits()).sum();
            long denials = c.domains().stream().mapToLong(d -> d.usage().denials()).sum();
            long[] prev = lastContainer.getOrDefault(c.name(), new long[4]);
            lastContainer.put(c.name(), new long[]{cpu, req.consumed(), waits, denials});
            containers.put(c.name(), new ContainerPerformance((cpu - prev[0]) / (seconds * 1e9 * cores), 0,
                    Math.max(0, req.consumed() - prev[1]) / seconds, Math.max(0, waits - prev[2]) / seconds,
                    Math.max(0, denials - prev[3]) / seconds));
        }
        var data = new PerformanceData(Duration.ofNanos((long) (seconds * 1e9)), components, containers);
        for (var s : services.list()) {
            try {
                services.regenerate(s.descriptor().name(), data);
            } catch (RuntimeException | java.io.IOException e) {
                log.warn("service {}: the generator could not use this period's data: {}", s.descriptor().name(), e.getMessage());
            }
        }
        return data;
    }

    /** Route (a service's servlet) → the component or embedded component it belongs to. */
    private Map<RouteKey, String> routeOwners() {
        Map<RouteKey, String> owner = new HashMap<>();
        for (var s : services.list()) {
            var d = s.descriptor();
            d.components().forEach(c -> c.servlets().forEach(sv -> owner.put(new RouteKey(d.name(), sv.name()), c.name())));
            d.embeddedComponents().forEach(e -> e.servlets().forEach(sv -> owner.put(new RouteKey(d.name(), sv.name()), e.name())));
        }
        return owner;
    }
}
