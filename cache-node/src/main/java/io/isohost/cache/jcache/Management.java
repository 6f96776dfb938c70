package io.isohost.cache.jcache;

import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;

/** The JSR-107 management beans of one cache, registered in the platform MBean server when enabled. */
final class Management {
    private Management() {
    }

    static ObjectName name(String type, TriadCache<?, ?> cache) {
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + quote(cache.getCacheManager().getURI().toString())
                    + ",Cache=" + quote(cache.getName()));
        } catch (MalformedObjectNameException e) {
            throw new CacheException(e);
        }
    }

    private static String quote(String s) {
        return s.replaceAll("[,:=\\n*?\"]", ".");
    }

    static void register(Object bean, ObjectName name, boolean on) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (on && !server.isRegistered(name)) {
                server.registerMBean(bean, name);
            } else if (!on && server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (Exception e) {
            throw new CacheException("cannot " + (on ? "register " : "unregister ") + name + ": " + e.getMessage(), e);
        }
    }

    /** The configuration view. */
    static final class Config implements CacheMXBean {
        private final TriadCache<?, ?> cache;

        Config(TriadCache<?, ?> cache) {
            this.cache = cache;
        }

        private CompleteConfiguration<?, ?> c() {
            return cache.config();
        }

        @Override
        public String getKeyType() {
            return c().getKeyType().getName();
        }

        @Override
        public String getValueType() {
            return c().getValueType().getName();
        }

        @Override
        public boolean isReadThrough() {
            return c().isReadThrough();
        }

        @Override
        public boolean isWriteThrough() {
            return c().isWriteThrough();
        }

        @Override
        public boolean isStoreByValue() {
            return c().isStoreByValue();
        }

        @Override
        public boolean isStatisticsEnabled() {
            return c().isStatisticsEnabled();
        }

        @Override
        public boolean isManagementEnabled() {
            return c().isManagementEnabled();
        }
    }

    /** Counters as the specification defines them; times are averages in microseconds. */
    static final class Statistics implements CacheStatisticsMXBean {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder puts = new LongAdder();
        final LongAdder removals = new LongAdder();
        final LongAdder getNanos = new LongAdder();
        final LongAdder putNanos = new LongAdder();
        final LongAdder removeNanos = new LongAdder();

        @Override
        public void clear() {
            for (LongAdder a : new LongAdder[]{hits, misses, puts, removals, getNanos, putNanos, removeNanos}) {
                a.reset();
            }
        }

        @Override
        public long getCacheHits() {
            return hits.sum();
        }

        @Override
        public float getCacheHitPercentage() {
            long g = getCacheGets();
            return g == 0 ? 0 : 100f * hits.sum() / g;
        }

        @Override
        public long getCacheMisses() {
            return misses.sum();
        }

        @Override
        public float getCacheMissPercentage() {
            long g = getCacheGets();
            return g == 0 ? 0 : 100f * misses.sum() / g;
        }

        @Override
        public long getCacheGets() {
            return hits.sum() + misses.sum();
        }

        @Override
        public long getCachePuts() {
            return puts.sum();
        }

        @Override
        public long getCacheRemovals() {
            return removals.sum();
        }

        @Override
        public long getCacheEvictions() {
            return 0; // the triad expires entries but never evicts them
        }

        @Override
        public float getAverageGetTime() {
            long g = getCacheGets();
            return g == 0 ? 0 : getNanos.sum() / 1000f / g;
        }

        @Override
        public float getAveragePutTime() {
            long p = puts.sum();
            return p == 0 ? 0 : putNanos.sum() / 1000f / p;
        }

        @Override
        public float getAverageRemoveTime() {
            long r = removals.sum();
            return r == 0 ? 0 : removeNanos.sum() / 1000f / r;
        }
    }
}
