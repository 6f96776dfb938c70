package io.isohost.cache.jcache;

import io.isohost.cache.CacheClient;
import io.isohost.testing.ManualClock;
import io.isohost.testing.Waits;
import io.isohost.cache.TriadConfig;
import io.isohost.cache.TriadServer;
import io.isohost.cache.TriadTesting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.MutableEntry;
import javax.cache.spi.CachingProvider;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriadJCacheTest {
    @TempDir
    static Path dir;
    static List<TriadServer> servers;
    static CacheManager manager;
    /** The triad's and the managers' clock: expiry tests advance it instead of sleeping. */
    static final ManualClock clock = new ManualClock();

    @BeforeAll
    static void start() throws Exception {
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of(), true);
        servers = TriadTesting.startAll(cfg, clock);
        Path secret = dir.resolve("secret");
        Files.write(secret, cfg.secret());
        Properties p = new Properties();
        p.setProperty(TriadCachingProvider.MEMBERS, String.join(",", cfg.members().stream().map(m -> m.host() + ":" + m.port()).toList()));
        p.setProperty(TriadCachingProvider.SECRET_FILE, secret.toString());
        p.put(TriadCachingProvider.CLOCK, clock);
        CachingProvider provider = Caching.getCachingProvider(TriadCachingProvider.class.getName());
        manager = provider.getCacheManager(URI.create("urn:isohost:triad:test"), TriadJCacheTest.class.getClassLoader(), p);
    }

    @AfterAll
    static void stop() {
        manager.close();
        TriadTesting.closeAll(servers);
    }

    record Item(String name, int count) implements Serializable {
    }

    @Test
    void providerIsFoundThroughServiceLoader() {
        boolean found = false;
        for (CachingProvider p : Caching.getCachingProviders()) {
            found |= p instanceof TriadCachingProvider;
        }
        assertTrue(found);
    }

    @Test
    void mapOperationsStoreByValue() {
        Cache<String, Item> c = manager.createCache("ops", new MutableConfiguration<String, Item>().setTypes(String.class, Item.class));
        assertSame(c, manager.getCache("ops", String.class, Item.class));
        assertThrows(CacheException.class, () -> manager.createCache("ops", new MutableConfiguration<>()));
        assertThrows(UnsupportedOperationException.class,
                () -> manager.createCache("by-reference", new MutableConfiguration<>().setStoreByValue(false)),
                "store-by-reference is not supported and is refused as the specification says");
        assertNull(manager.getCache("by-reference"), "nothing was created");
        assertNull(c.get("a"));
        c.put("a", new Item("x", 1));
        assertEquals(new Item("x", 1), c.get("a"));
        assertTrue(c.containsKey("a"));
        assertFalse(c.putIfAbsent("a", new Item("y", 2)));
        assertEquals(new Item("x", 1), c.getAndPut("a", new Item("z", 3)));
        assertTrue(c.replace("a", new Item("z", 3), new Item("w", 4)));
        assertFalse(c.replace("a", new Item("z", 3), new Item("q", 5)));
        assertEquals(new Item("w", 4), c.getAndReplace("a", new Item("v", 6)));
        assertFalse(c.replace("missing", new Item("v", 6)));
        c.putAll(Map.of("b", new Item("b", 1), "c", new Item("c", 1)));
        assertEquals(3, c.getAll(Set.of("a", "b", "c", "d")).size());
        int n = 0;
        for (Cache.Entry<String, Item> e : c) {
            assertNotNull(e.getValue());
            n++;
        }
        assertEquals(3, n);
        assertTrue(c.remove("b", new Item("b", 1)));
        assertEquals(new Item("c", 1), c.getAndRemove("c"));
        c.removeAll();
        assertFalse(c.iterator().hasNext());
        assertThrows(NullPointerException.class, () -> c.put(null, new Item("n", 0)));
        assertNotNull(c.unwrap(CacheClient.class));
        manager.destroyCache("ops");
        assertNull(manager.getCache("ops"));
    }

    @Test
    void statisticsAndConfigurationBeans() throws Exception {
        Cache<String, String> c = manager.createCache("counted", new MutableConfiguration<String, String>()
                .setStatisticsEnabled(true).setManagementEnabled(true));
        c.put("a", "1");
        c.get("a");
        c.get("missing");
        c.remove("a");
        javax.management.MBeanServer mbs = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName stats = new javax.management.ObjectName(
                "javax.cache:type=CacheStatistics,CacheManager=urn.isohost.triad.test,Cache=counted");
        assertEquals(1L, mbs.getAttribute(stats, "CacheHits"));
        assertEquals(1L, mbs.getAttribute(stats, "CacheMisses"));
        assertEquals(1L, mbs.getAttribute(stats, "CachePuts"));
        assertEquals(1L, mbs.getAttribute(stats, "CacheRemovals"));
        assertEquals(true, mbs.getAttribute(new javax.management.ObjectName(
                "javax.cache:type=CacheConfiguration,CacheManager=urn.isohost.triad.test,Cache=counted"), "StatisticsEnabled"));
        manager.enableStatistics("counted", false);
        assertFalse(mbs.isRegistered(stats));
        manager.destroyCache("counted");
    }

    @Test
    void expiryPolicies() throws Exception {
        Cache<String, String> created = manager.createCache("created", new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 800))));
        created.put("k", "v");
        clock.advance(java.time.Duration.ofMillis(400));
        created.put("k", "v2"); // an update does not extend a created-expiry
        assertEquals("v2", created.get("k"));
        clock.advance(java.time.Duration.ofMillis(500));
        assertNull(created.get("k"));

        Cache<String, String> accessed = manager.createCache("accessed", new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 800))));
        accessed.put("k", "v");
        for (int i = 0; i < 5; i++) {
            clock.advance(java.time.Duration.ofMillis(200));
            assertEquals("v", accessed.get("k"), "reads keep an idle entry alive");
        }
        clock.advance(java.time.Duration.ofMillis(1200));
        assertNull(accessed.get("k"));
    }

    public static final class Recorder implements CacheEntryCreatedListener<String, Integer>,
            CacheEntryUpdatedListener<String, Integer>, CacheEntryRemovedListener<String, Integer>, Serializable {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        private static void log(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
            for (CacheEntryEvent<? extends String, ? extends Integer> e : events) {
                EVENTS.add(e.getEventType() + " " + e.getKey() + " " + e.getValue() + " " + e.getOldValue());
            }
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
            log(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
            log(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
            log(events);
        }
    }

    @Test
    void listenersHearCreatesUpdatesAndRemoves() {
        Cache<String, Integer> c = manager.createCache("listened", new MutableConfiguration<String, Integer>()
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(Recorder.class), null, true, true)));
        c.put("k", 1);
        c.put("k", 2);
        c.remove("k");
        assertEquals(List.of("CREATED k 1 null", "UPDATED k 2 1", "REMOVED k 2 2"), Recorder.EVENTS);
    }

    /** Logs created and updated events as "TYPE key value" into its subclass's list. */
    abstract static class EventLog implements CacheEntryCreatedListener<String, String>, CacheEntryUpdatedListener<String, String>,
            Serializable {
        abstract List<String> events();

        void log(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> e : events) {
                events().add(e.getEventType() + " " + e.getKey() + " " + e.getValue());
            }
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            log(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            log(events);
        }
    }

    public static final class Heard extends EventLog implements javax.cache.event.CacheEntryExpiredListener<String, String> {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        @Override
        List<String> events() {
            return EVENTS;
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            log(events);
        }
    }

    private static void awaitEvents(int n) {
        Waits.await(n + " events heard").until(() -> Heard.EVENTS.size() >= n);
    }

    @Test
    void listenersHearOtherHostsChangesAndExpiries() throws Exception {
        MutableConfiguration<String, String> cfg = new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 1000)));
        Cache<String, String> here = manager.createCache("shared", cfg.addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(Heard.class), null, true, false)));
        Properties p = manager.getProperties();
        CacheManager otherHost = Caching.getCachingProvider(TriadCachingProvider.class.getName())
                .getCacheManager(URI.create("urn:isohost:triad:other-host"), TriadJCacheTest.class.getClassLoader(), p);
        try {
            Cache<String, String> there = otherHost.createCache("shared", new MutableConfiguration<String, String>()
                    .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 1000))));
            Thread.sleep(300); // the watch reaches every server
            there.put("k", "1");
            there.put("k", "2");
            awaitEvents(2);
            clock.advance(java.time.Duration.ofMillis(1500)); // past the idle timeout; the owner's sweep expires it
            awaitEvents(3);
            assertEquals(List.of("CREATED k 1", "UPDATED k 2", "EXPIRED k 2"), Heard.EVENTS);
            assertNull(here.get("k"));
        } finally {
            otherHost.close();
        }
    }

    /** Not a stock policy: 500 ms after creation, 2 s after each access, updates leave the deadline. */
    public static final class ShortThenLongOnAccess implements javax.cache.expiry.ExpiryPolicy, Serializable {
        @Override
        public Duration getExpiryForCreation() {
            return new Duration(TimeUnit.MILLISECONDS, 500);
        }

        @Override
        public Duration getExpiryForAccess() {
            return new Duration(TimeUnit.SECONDS, 2);
        }

        @Override
        public Duration getExpiryForUpdate() {
            return null;
        }
    }

    public static final class HeardQuiet extends EventLog implements CacheEntryRemovedListener<String, String> {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        @Override
        List<String> events() {
            return EVENTS;
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            log(events);
        }
    }

    @Test
    void anAccessMovesACustomPolicysDeadlineWithoutTellingOtherHosts() throws Exception {
        MutableConfiguration<String, String> cfg = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ShortThenLongOnAccess.class));
        Cache<String, String> here = manager.createCache("custom-expiry", new MutableConfiguration<>(cfg)
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(HeardQuiet.class), null, false, false)));
        CacheManager otherHost = Caching.getCachingProvider(TriadCachingProvider.class.getName())
                .getCacheManager(URI.create("urn:isohost:triad:custom-expiry-host"), TriadJCacheTest.class.getClassLoader(),
                        manager.getProperties());
        try {
            Cache<String, String> there = otherHost.createCache("custom-expiry", cfg);
            Thread.sleep(300); // the watch reaches every server
            there.put("read", "v");
            there.put("unread", "v");
            assertEquals("v", there.get("read"), "an access: the policy gives it 2 s from now");
            clock.advance(java.time.Duration.ofMillis(1000));
            assertFalse(here.containsKey("unread"), "500 ms after its creation");
            assertTrue(here.containsKey("read"), "the access moved its deadline");
            there.put("read", "w"); // an update: the policy leaves the deadline where the access put it
            Thread.sleep(200);
            assertTrue(here.containsKey("read"));
            assertEquals(List.of("CREATED read v", "CREATED unread v", "UPDATED read w"), HeardQuiet.EVENTS,
                    "the access's rewrite is quiet: other hosts hear the creates and the update only");
        } finally {
            otherHost.close();
        }
    }

    @Test
    void entryProcessorsAreAtomicAcrossThreads() throws Exception {
        Cache<String, Integer> c = manager.createCache("counters", new MutableConfiguration<>());
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25; i++) {
                    c.invoke("n", (MutableEntry<String, Integer> e, Object... args) -> {
                        e.setValue(e.exists() ? e.getValue() + 1 : 1);
                        return null;
                    });
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(Integer.valueOf(100), c.<Integer>invoke("n", (e, args) -> e.getValue()));
        assertEquals(Boolean.FALSE, c.invoke("n", (e, args) -> {
            e.remove();
            return e.exists();
        }));
        assertFalse(c.containsKey("n"));
    }

    public static final class Loader implements CacheLoader<String, String>, Serializable {
        @Override
        public String load(String key) {
            return key.startsWith("none") ? null : "loaded-" + key;
        }

        @Override
        public Map<String, String> loadAll(Iterable<? extends String> keys) {
            Map<String, String> m = new HashMap<>();
            keys.forEach(k -> m.put(k, load(k)));
            return m;
        }
    }

    public static final class Writer implements CacheWriter<String, String>, Serializable {
        static final Map<String, String> STORE = new ConcurrentHashMap<>();

        @Override
        public void write(Cache.Entry<? extends String, ? extends String> entry) {
            if (entry.getKey().equals("refused")) {
                throw new CacheWriterException("the system of record refused it");
            }
            STORE.put(entry.getKey(), entry.getValue());
        }

        @Override
        public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
            for (var it = entries.iterator(); it.hasNext(); ) {
                write(it.next());
                it.remove();
            }
        }

        @Override
        public void delete(Object key) {
            STORE.remove(key);
        }

        @Override
        public void deleteAll(Collection<?> keys) {
            for (var it = keys.iterator(); it.hasNext(); ) {
                delete(it.next());
                it.remove();
            }
        }
    }

    @Test
    void readThroughAndWriteThrough() {
        Cache<String, String> c = manager.createCache("through", new MutableConfiguration<String, String>()
                .setReadThrough(true).setWriteThrough(true)
                .setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class))
                .setCacheWriterFactory(FactoryBuilder.factoryOf(Writer.class)));
        assertEquals("loaded-x", c.get("x"));
        assertTrue(c.containsKey("x"), "a loaded value lands in the cache");
        assertFalse(Writer.STORE.containsKey("x"), "loading does not write through");
        assertNull(c.get("none-1"));
        c.put("y", "1");
        assertEquals("1", Writer.STORE.get("y"));
        assertThrows(CacheWriterException.class, () -> c.put("refused", "2"));
        assertFalse(c.containsKey("refused"), "a failed write-through leaves the cache unchanged");
        c.remove("y");
        assertFalse(Writer.STORE.containsKey("y"));
    }

    /** Serializable and on no allow-list: reading one back would run its {@code readObject} (a stand-in for a gadget). */
    static final class Gadget implements Serializable {
        static final java.util.concurrent.atomic.AtomicInteger READS = new java.util.concurrent.atomic.AtomicInteger();

        @java.io.Serial
        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    @Test
    void aClassOffTheAllowListIsRefusedBeforeItsReadObjectRuns() {
        Cache<String, Object> c = manager.createCache("gadgets", new MutableConfiguration<>());
        c.put("alone", new Gadget());
        c.put("nested", new ArrayList<>(List.of("fine", new Gadget())));
        for (String key : List.of("alone", "nested")) {
            CacheException e = assertThrows(CacheException.class, () -> c.get(key));
            assertTrue(e.getMessage().contains("refuses to deserialize " + Gadget.class.getName())
                    && e.getMessage().contains(TriadCachingProvider.SERIAL_FILTER), e.getMessage());
        }
        assertEquals(0, Gadget.READS.get(), "the refused class's readObject never ran");

        c.put("values", new ArrayList<>(List.of("s", 1, 2L, new java.math.BigDecimal("1.5"), java.time.Instant.EPOCH,
                Map.of("k", List.of(new int[]{1, 2}, new String[]{"a"})))));
        assertEquals(6, ((List<?>) c.get("values")).size(), "java.base value types are read back");
    }

    @Test
    void theApplicationAllowsItsClassesPerCacheOrForAll() {
        Properties p = new Properties();
        p.putAll(manager.getProperties());
        p.setProperty(TriadCachingProvider.SERIAL_FILTER + ".trusted", Gadget.class.getName());
        CacheManager other = Caching.getCachingProvider(TriadCachingProvider.class.getName())
                .getCacheManager(URI.create("urn:isohost:triad:allow-list"), TriadJCacheTest.class.getClassLoader(), p);
        try {
            Cache<String, Object> trusted = other.createCache("trusted", new MutableConfiguration<>());
            Cache<String, Object> untrusted = other.createCache("untrusted", new MutableConfiguration<>());
            int before = Gadget.READS.get();
            trusted.put("g", new Gadget());
            assertTrue(trusted.get("g") instanceof Gadget);
            assertEquals(before + 1, Gadget.READS.get());
            untrusted.put("g", new Gadget());
            assertThrows(CacheException.class, () -> untrusted.get("g"), "the pattern names one cache");

            Cache<String, Item> items = other.createCache("items", new MutableConfiguration<String, Item>().setTypes(String.class, Item.class));
            items.put("i", new Item("x", 1));
            assertEquals(new Item("x", 1), items.get("i"), "a cache's declared value type needs no pattern");

            p.setProperty(TriadCachingProvider.SERIAL_FILTER, "maxdepth=oops");
            CacheManager bad = Caching.getCachingProvider(TriadCachingProvider.class.getName())
                    .getCacheManager(URI.create("urn:isohost:triad:bad-allow-list"), TriadJCacheTest.class.getClassLoader(), p);
            try {
                CacheException e = assertThrows(CacheException.class, () -> bad.createCache("any", new MutableConfiguration<>()));
                assertTrue(e.getMessage().contains(TriadCachingProvider.SERIAL_FILTER), e.getMessage());
            } finally {
                bad.close();
            }
        } finally {
            other.close();
        }
    }
}
