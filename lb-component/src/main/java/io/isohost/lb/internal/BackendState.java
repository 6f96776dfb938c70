package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import io.isohost.lb.Endpoint;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** What the balancer knows of one backend: its permits, its limit, its health, its warm-up and its drain. */
public final class BackendState {
    final Endpoint endpoint;
    /** The backend's scheme, host and port alone: requests to it are built on this, parsed once. */
    final URI origin;
    /** How a sticky session id names this backend. */
    final String sessionSuffix;
    final LimitController limit;
    final AtomicInteger inFlight = new AtomicInteger();
    /** Drained: takes no new request until a table lists it again. */
    private volatile boolean draining;
    private final List<CompletableFuture<Boolean>> drained = new ArrayList<>();
    private final BalancerConfig config;
    private volatile long warmingSince;   // 0: fully warm
    private volatile long ejectedUntil;   // 0: not ejected
    private int consecutiveFailures;
    private long backoffNanos;
    volatile double cpuLoad;              // reported by the backend, 0-1
    double currentWeight;                 // smooth round-robin state, under the route's lock

    BackendState(Endpoint endpoint, BalancerConfig config, boolean warm, long now) {
        this.endpoint = endpoint;
        this.origin = URI.create("http://" + endpoint.uri().getHost() + ":" + endpoint.uri().getPort());
        this.sessionSuffix = endpoint.sessionSuffix();
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
        return endpoint.weight() * warmth(now);
    }

    boolean ejected(long now) {
        long until = ejectedUntil;
        return until != 0 && now < until;
    }

    /** Live and not draining: may take new requests. */
    boolean eligible(long now) {
        return endpoint.weight() > 0 && !draining && !ejected(now);
    }

    boolean tryAcquire(long now) {
        int max = effectiveLimit(now);
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                break;
            }
        }
        // a drain that began after this request found the backend eligible: the drain saw this
        // request in flight (and waits for it) or this sees the drain (and backs off)
        if (draining) {
            release();
            return false;
        }
        return true;
    }

    /** A request to this backend finished (or was never sent). */
    void release() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            completeDrains();
        }
    }

    boolean draining() {
        return draining;
    }

    boolean listensAt(URI uri) {
        return origin.getHost().equalsIgnoreCase(uri.getHost()) && origin.getPort() == uri.getPort();
    }

    /** Takes no new request from now on; completes when none is in flight. */
    synchronized CompletableFuture<Boolean> drain() {
        draining = true;
        if (inFlight.get() == 0) {
            return CompletableFuture.completedFuture(true);
        }
        var f = new CompletableFuture<Boolean>();
        drained.add(f);
        return f;
    }

    private synchronized void completeDrains() {
        if (inFlight.get() == 0) {
            drained.forEach(f -> f.complete(true));
            drained.clear();
        }
    }

    /** Listed in a new table: takes new requests again (a drain of it still waiting goes on waiting). */
    void listed() {
        draining = false;
    }

    /** Left out of a new table: takes no new request, as if drained (a new table listing it makes a new state). */
    void unlisted() {
        draining = true;
    }

    double load(long now) {
        return inFlight.get() / (effectiveLimit(now) * Math.max(0.01, endpoint.weight() / 100.0)) + cpuLoad;
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
