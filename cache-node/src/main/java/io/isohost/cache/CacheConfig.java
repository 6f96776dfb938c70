package io.isohost.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one named cache. A null timeout means none.
 *
 * @param expireTimeout    an entry expires this long after its last write
 * @param idleTimeout      an entry expires this long after its last read or write
 * @param leaseTimeout     how long a client that holds the lease trusts its near copy without asking (null: no leases)
 * @param localReadTimeout how long a client trusts its near copy without a lease before it re-checks the m-node with the owner
 * @param nearCacheEntries how many entries a client keeps near; 0 turns the near cache off
 */
public record CacheConfig(String name, Duration expireTimeout, Duration idleTimeout, Duration leaseTimeout,
                          Duration localReadTimeout, int nearCacheEntries) {
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOCAL_READ = Duration.ofMillis(250);
    public static final Duration SESSION_LOCAL_READ = Duration.ofMillis(100);

    public CacheConfig {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a cache name has 1 to 200 characters");
        }
        Objects.requireNonNull(localReadTimeout, "localReadTimeout");
        if (nearCacheEntries < 0) {
            throw new IllegalArgumentException("nearCacheEntries must be >= 0");
        }
    }

    /** Resin's defaults: no expiry, 5-minute leases, a 250 ms local read timeout. */
    public static CacheConfig of(String name) {
        return new CacheConfig(name, null, null, DEFAULT_LEASE, DEFAULT_LOCAL_READ, 10_000);
    }

    /** The session defaults: a 100 ms local read timeout. */
    public static CacheConfig sessions(String name) {
        return of(name).withLocalReadTimeout(SESSION_LOCAL_READ);
    }

    public CacheConfig withExpireTimeout(Duration d) {
        return new CacheConfig(name, d, idleTimeout, leaseTimeout, localReadTimeout, nearCacheEntries);
    }

    public CacheConfig withIdleTimeout(Duration d) {
        return new CacheConfig(name, expireTimeout, d, leaseTimeout, localReadTimeout, nearCacheEntries);
    }

    public CacheConfig withLeaseTimeout(Duration d) {
        return new CacheConfig(name, expireTimeout, idleTimeout, d, localReadTimeout, nearCacheEntries);
    }

    public CacheConfig withLocalReadTimeout(Duration d) {
        return new CacheConfig(name, expireTimeout, idleTimeout, leaseTimeout, d, nearCacheEntries);
    }

    public CacheConfig withNearCacheEntries(int n) {
        return new CacheConfig(name, expireTimeout, idleTimeout, leaseTimeout, localReadTimeout, n);
    }

    /** Milliseconds, -1 for none: the form the m-node carries. */
    public static long millis(Duration d) {
        return d == null ? -1 : d.toMillis();
    }

    public static Duration duration(long millis) {
        return millis < 0 ? null : Duration.ofMillis(millis);
    }
}
