package io.isohost.lb.internal;

import io.isohost.lb.Backend;
import io.isohost.lb.BalancerConfig;

import java.util.concurrent.atomic.AtomicInteger;

/** What the balancer knows of one backend: its permits, its limit, its health and its warm-up. */
public final class BackendState {
    final Backend backend;
    /** The backend's scheme, host and port alone: requests to it are built on this, parsed once. */
    final java.net.URI origin;
    final LimitController limit;
    final AtomicInteger inFlight = new AtomicInteger();
    private final BalancerConfig config;
    private volatile long warmingSince;   // 0: fully warm
    private volatile long ejectedUntil;   // 0: not ejected
    private int consecutiveFailures;
    private long backoffNanos;
    volatile double cpuLoad;              // reported by the backend, 0-1
    double currentWeight;                 // smooth round-robin state, under the route's lock

    BackendState(Backend backend, BalancerConfig config, boolean warm, long now) {
        this.backend = backend;
        this.origin = java.net.URI.create("http://" + backend.uri().getHost() + ":" + backend.uri().getPort());
        this.config = config;
        this.limit = new LimitController(config.initialLimit(), config.minLimit(), config.maxLimit());
        this.warmingSince = warm ? 0 : now;
        this.backoffNanos = firstBackoff();
    }

    private long firstBackoff() {
        return Math.min(1_000_000_000L, config.recoverTime().toNanos());
    }

    public int inFlightNow() {
        return inFlight.get();
    }

    public int limitNow() {
        return limit.limit();
    }

    /** 0.1 right after a (re)start or recovery, rising to 1 over the warm-up time. */
    double warmth(long now) {
        long since = warmingSince;
        if (since == 0) {
            return 1;
        }
        long warmup = config.warmupTime().toNanos();
        if (warmup == 0 || now - since >= warmup) {
            warmingSince = 0;
            return 1;
        }
        return 0.1 + 0.9 * (now - since) / (double) warmup;
    }

    int effectiveLimit(long now) {
        return Math.max(1, (int) (limit.limit() * warmth(now)));
    }

    double effectiveWeight(long now) {
        return backend.weight() * warmth(now);
    }

    boolean ejected(long now) {
        long until = ejectedUntil;
        return until != 0 && now < until;
    }

    /** Live and not draining: may take new requests. */
    boolean eligible(long now) {
        return backend.weight() > 0 && !ejected(now);
    }

    boolean tryAcquire(long now) {
        int max = effectiveLimit(now);
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    double load(long now) {
        return inFlight.get() / (effectiveLimit(now) * Math.max(0.01, backend.weight() / 100.0)) + cpuLoad;
    }

    synchronized void succeeded() {
        if (ejectedUntil != 0) {
            ejectedUntil = 0;
            warmingSince = System.nanoTime(); // recovered: ramp up again
        }
        consecutiveFailures = 0;
        backoffNanos = firstBackoff();
    }

    /** @return true when this failure ejected the backend */
    synchronized boolean failed(long now) {
        consecutiveFailures++;
        if (consecutiveFailures >= config.ejectAfterErrors()) {
            ejectedUntil = now + backoffNanos;
            backoffNanos = Math.min(config.recoverTime().toNanos(), backoffNanos * 2);
            consecutiveFailures = config.ejectAfterErrors() - 1; // one more failed trial ejects again
            return true;
        }
        return false;
    }
}
