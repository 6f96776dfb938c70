package io.isohost.lb;

import java.time.Duration;

/**
 * The balancer's settings, with Resin's names and defaults where Resin has them.
 *
 * @param strategy          how a backend is picked
 * @param connectTimeout    {@code load-balance-connect-timeout}, 5 s
 * @param recoverTime       {@code load-balance-recover-time}, 15 s: the longest an ejected backend waits
 *                          before a trial (the first wait is 1 s, doubled after each failed trial)
 * @param idleTime          {@code load-balance-idle-time}, 10 s: how long a pooled backend connection
 *                          may sit idle; keep it below the backends' keep-alive
 * @param warmupTime        {@code load-balance-warmup-time}, 60 s: weight and concurrency ramp up for
 *                          a backend added after start or recovered
 * @param responseTimeout   how long a backend may take to answer, 30 s
 * @param initialLimit      controlled loading: the starting bound N on concurrent requests per backend
 * @param minLimit          lowest N the feedback controller goes to
 * @param maxLimit          highest N
 * @param queueCapacity     requests that may wait per component; beyond it new ones get 503
 * @param queueTimeout      how long a request may wait in the queue before a 503
 * @param ejectAfterErrors  consecutive failures (connect errors, 502-504) that eject a backend
 * @param maxTries          attempts per request: connect failures always move on; a request that
 *                          reached a backend is retried only when its method is idempotent
 * @param maxRequestBytes   request bodies are buffered (for retries) up to this size; larger gets 413
 * @param tenantQueueShares guaranteed shares of the balancer's queue by tenant (fractions summing to at
 *                          most 1): while the queued requests of all components together reach
 *                          {@code queueCapacity}, a tenant under its share is still admitted and one
 *                          over it is refused; empty = no tenant accounting
 * @param forwardedHeader   also add RFC 7239's {@code Forwarded} header to forwarded requests (the
 *                          {@code X-Forwarded-*} headers and {@code Via} are always added); off by default
 */
public record BalancerConfig(Strategy strategy, Duration connectTimeout, Duration recoverTime, Duration idleTime,
                             Duration warmupTime, Duration responseTimeout, int initialLimit, int minLimit, int maxLimit,
                             int queueCapacity, Duration queueTimeout, int ejectAfterErrors, int maxTries,
                             int maxRequestBytes, java.util.Map<String, Double> tenantQueueShares, boolean forwardedHeader) {
    public BalancerConfig(Strategy strategy, Duration connectTimeout, Duration recoverTime, Duration idleTime,
                          Duration warmupTime, Duration responseTimeout, int initialLimit, int minLimit, int maxLimit,
                          int queueCapacity, Duration queueTimeout, int ejectAfterErrors, int maxTries, int maxRequestBytes,
                          java.util.Map<String, Double> tenantQueueShares) {
        this(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit, minLimit, maxLimit,
                queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, false);
    }

    public BalancerConfig(Strategy strategy, Duration connectTimeout, Duration recoverTime, Duration idleTime,
                          Duration warmupTime, Duration responseTimeout, int initialLimit, int minLimit, int maxLimit,
                          int queueCapacity, Duration queueTimeout, int ejectAfterErrors, int maxTries, int maxRequestBytes) {
        this(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit, minLimit, maxLimit,
                queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, java.util.Map.of());
    }

    public BalancerConfig {
        tenantQueueShares = java.util.Map.copyOf(tenantQueueShares);
        double total = 0;
        for (var e : tenantQueueShares.entrySet()) {
            if (!(e.getValue() > 0) || e.getValue() > 1) {
                throw new IllegalArgumentException("tenant '" + e.getKey() + "': a queue share is a fraction in (0, 1], got " + e.getValue());
            }
            total += e.getValue();
        }
        if (total > 1 + 1e-9) {
            throw new IllegalArgumentException("tenants' queue shares add up to " + total + ", more than the whole queue");
        }
        if (minLimit < 1 || maxLimit < minLimit || initialLimit < minLimit || initialLimit > maxLimit) {
            throw new IllegalArgumentException("limits must satisfy 1 <= min <= initial <= max: "
                    + minLimit + " / " + initialLimit + " / " + maxLimit);
        }
        if (queueCapacity < 0 || ejectAfterErrors < 1 || maxTries < 1 || maxTries > 5 || maxRequestBytes < 0) {
            throw new IllegalArgumentException("queue capacity >= 0, eject-after >= 1, tries 1-5, request bytes >= 0");
        }
        for (Duration d : new Duration[]{connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, queueTimeout}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative: " + d);
            }
        }
    }

    public static BalancerConfig defaults() {
        return new BalancerConfig(Strategy.SERVER_LOAD, Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), 20, 4, 200, 1024,
                Duration.ofSeconds(5), 5, 2, 10 << 20);
    }

    public BalancerConfig withStrategy(Strategy s) {
        return new BalancerConfig(s, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withLimits(int initial, int min, int max) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initial,
                min, max, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withQueue(int capacity, Duration timeout) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout,
                initialLimit, minLimit, maxLimit, capacity, timeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withRecovery(int ejectAfter, Duration recover) {
        return new BalancerConfig(strategy, connectTimeout, recover, idleTime, warmupTime, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfter, maxTries, maxRequestBytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withWarmup(Duration warmup) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmup, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withTenantQueueShares(java.util.Map<String, Double> shares) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, shares, forwardedHeader);
    }

    public BalancerConfig withMaxRequestBytes(int bytes) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, bytes, tenantQueueShares, forwardedHeader);
    }

    public BalancerConfig withForwardedHeader(boolean on) {
        return new BalancerConfig(strategy, connectTimeout, recoverTime, idleTime, warmupTime, responseTimeout, initialLimit,
                minLimit, maxLimit, queueCapacity, queueTimeout, ejectAfterErrors, maxTries, maxRequestBytes, tenantQueueShares, on);
    }
}
