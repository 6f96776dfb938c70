package io.isohost.cache.jcache;

import io.isohost.cache.CacheClient;
import io.isohost.cache.CacheClient.Condition;
import io.isohost.cache.CacheClient.Expiry;
import io.isohost.cache.CacheClient.Outcome;
import io.isohost.cache.TriadException;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A JSR-107 cache over one triad cache. Keys and values are Java-serialized (store by value); equal keys must
 * serialize to equal bytes, as they do for strings, numbers, records of those, and most value classes. Reading
 * one back deserializes only the classes of the cache's {@link AllowList}.
 * The stock expiry policies map onto the m-node's expire and idle timeouts (one write per operation); other
 * policies, and every policy on a write-through cache, are asked at creation, update and access as the
 * specification says, and an access moves the entry's expiry with a quiet rewrite. Listeners hear the changes
 * made through this cache object at once and other clients' changes through the owner's pushes; entry processors
 * run here and commit with a compare-and-set on the value hash. The JCache TCK 1.1.1 passes (docs/cache.md).
 */
final class TriadCache<K, V> implements Cache<K, V> {
    private static final int CAS_ATTEMPTS = 1000;

    private record Registration<K, V>(CacheEntryListenerConfiguration<K, V> config, CacheEntryListener<? super K, ? super V> listener,
                                      CacheEntryEventFilter<? super K, ? super V> filter) {
    }

    private final TriadCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> cfg;
    private final CacheClient client;
    private final AllowList allowed;
    private final ExpiryPolicy expiry;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<? super K, ? super V> writer;
    private final List<Registration<K, V>> listeners = new CopyOnWriteArrayList<>();
    private final Management.Statistics stats = new Management.Statistics();
    private final Management.Config configBean = new Management.Config(this);
    private volatile boolean closed;
    private boolean hearing;

    TriadCache(TriadCacheManager manager, String name, MutableConfiguration<K, V> cfg, CacheClient client) {
        this.manager = manager;
        this.name = name;
        this.cfg = cfg;
        this.client = client;
        String patterns = manager.serialFilter(name);
        try {
            this.allowed = new AllowList(List.of(cfg.getKeyType(), cfg.getValueType()), patterns);
        } catch (IllegalArgumentException e) {
            throw new CacheException("cache '" + name + "': bad " + TriadCachingProvider.SERIAL_FILTER + " patterns '"
                    + patterns + "': " + e.getMessage(), e);
        }
        this.expiry = cfg.getExpiryPolicyFactory().create();
        this.loader = cfg.getCacheLoaderFactory() == null ? null : cfg.getCacheLoaderFactory().create();
        this.writer = cfg.getCacheWriterFactory() == null ? null : cfg.getCacheWriterFactory().create();
        for (CacheEntryListenerConfiguration<K, V> l : cfg.getCacheEntryListenerConfigurations()) {
            listeners.add(register(l));
        }
        if (!listeners.isEmpty()) {
            hearOthers();
        }
        statistics(cfg.isStatisticsEnabled());
        management(cfg.isManagementEnabled());
    }

    void statistics(boolean on) {
        cfg.setStatisticsEnabled(on);
        Management.register(stats, Management.name("CacheStatistics", this), on);
    }

    void management(boolean on) {
        cfg.setManagementEnabled(on);
        Management.register(configBean, Management.name("CacheConfiguration", this), on);
    }

    private void counted(LongAdder counter, LongAdder nanos, long t0) {
        if (cfg.isStatisticsEnabled()) {
            counter.increment();
            nanos.add(System.nanoTime() - t0);
        }
    }

    MutableConfiguration<K, V> config() {
        return cfg;
    }

    // ------------------------------------------------------------------ serialization

    private byte[] bytes(Object o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + o.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T object(byte[] b) {
        if (b == null) {
            return null;
        }
        ClassLoader cl = manager.getClassLoader();
        Class<?>[] refused = new Class<?>[1];
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, cl);
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(desc);
                }
            }
        }) {
            in.setObjectInputFilter(allowed.forStream(b.length, refused));
            return (T) in.readObject();
        } catch (InvalidClassException e) {
            if (refused[0] != null) {
                throw new CacheException("cache '" + name + "' refuses to deserialize " + refused[0].getName()
                        + ": not on its allow-list (java.base value types, " + allowed.describe() + "; add patterns with "
                        + TriadCachingProvider.SERIAL_FILTER + "[." + name + "])", e);
            }
            throw new CacheException("cannot deserialize from cache '" + name + "': " + e.getMessage(), e);
        } catch (IOException | ClassNotFoundException e) {
            throw new CacheException("cannot deserialize from cache '" + name + "': " + e.getMessage(), e);
        }
    }

    private byte[] key(K key) {
        open();
        if (key == null) {
            throw new NullPointerException("null key");
        }
        if (cfg.getKeyType() != Object.class && !cfg.getKeyType().isInstance(key)) {
            throw new ClassCastException("key " + key.getClass().getName() + " is not a " + cfg.getKeyType().getName());
        }
        return bytes(key);
    }

    private byte[] value(V value) {
        if (value == null) {
            throw new NullPointerException("null value");
        }
        if (cfg.getValueType() != Object.class && !cfg.getValueType().isInstance(value)) {
            throw new ClassCastException("value " + value.getClass().getName() + " is not a " + cfg.getValueType().getName());
        }
        return bytes(value);
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    private static RuntimeException triad(TriadException e) {
        return new CacheException(e.getMessage(), e);
    }

    // ------------------------------------------------------------------ expiry

    /** The three moments the specification asks an expiry policy about. */
    private enum Moment { CREATION, UPDATE, ACCESS }

    private static java.time.Duration time(Duration d) {
        return d == null || d.isEternal() ? null : java.time.Duration.ofMillis(d.getTimeUnit().toMillis(d.getDurationAmount()));
    }

    private static java.time.Duration millis(long ms) {
        return ms < 0 ? null : java.time.Duration.ofMillis(ms);
    }

    /**
     * A stock policy on a cache without a writer: its durations live in the m-node's own timeouts (Created and
     * Modified as the expire timeout, Accessed and Touched as the idle timeout), so each operation is one write
     * and reads need none. Every other cache asks the policy at the moments the specification names.
     */
    private boolean mapped() {
        Class<?> c = expiry.getClass();
        return !cfg.isWriteThrough() && (c == EternalExpiryPolicy.class || c == CreatedExpiryPolicy.class
                || c == ModifiedExpiryPolicy.class || c == AccessedExpiryPolicy.class || c == TouchedExpiryPolicy.class);
    }

    /** The mapped policy's expiry of a write, the same for a creation and an update; null: a zero duration. */
    private Expiry mappedExpiry() {
        if (expiry instanceof EternalExpiryPolicy) {
            return Expiry.DEFAULT;
        }
        Duration d = expiry.getExpiryForCreation();
        if (d.isZero()) {
            return null;
        }
        if (expiry instanceof CreatedExpiryPolicy) {
            return new Expiry(time(d), null, true);
        }
        if (expiry instanceof ModifiedExpiryPolicy) {
            return new Expiry(time(d), null, false);
        }
        return new Expiry(null, time(d), false);
    }

    /**
     * The policy's answer for a moment. Null leaves the entry's expiry as it is; for a creation, null and a
     * failing policy mean eternal, and for the other moments a failing policy leaves the expiry unchanged.
     */
    private Duration ask(Moment m) {
        try {
            Duration d = switch (m) {
                case CREATION -> expiry.getExpiryForCreation();
                case UPDATE -> expiry.getExpiryForUpdate();
                case ACCESS -> expiry.getExpiryForAccess();
            };
            return d == null && m == Moment.CREATION ? Duration.ETERNAL : d;
        } catch (RuntimeException e) {
            return m == Moment.CREATION ? Duration.ETERNAL : null;
        }
    }

    /** The expiry of a write that creates ({@code cur} null) or updates an entry; null: it expires at once. */
    private Expiry expiryOf(CacheClient.Versioned cur) {
        if (mapped()) {
            return mappedExpiry();
        }
        Duration d = ask(cur == null ? Moment.CREATION : Moment.UPDATE);
        if (d == null) {
            // unchanged: the same timeouts from the same modification time
            return new Expiry(millis(cur.expireMillis()), millis(cur.idleMillis()), true);
        }
        return d.isZero() ? null : new Expiry(time(d), null, false);
    }

    /**
     * An entry was read: asks the policy about the access and moves the entry's expiry accordingly (a quiet
     * rewrite of the same value, or a quiet removal for a zero duration). Mapped policies need nothing here.
     */
    private void accessed(byte[] k, byte[] v) {
        if (mapped()) {
            return;
        }
        Duration d = ask(Moment.ACCESS);
        if (d == null) {
            return;
        }
        try {
            if (d.isZero()) {
                client.write(k, null, Condition.VALUE_EQUALS, v, false, Expiry.DEFAULT, true);
            } else {
                client.write(k, v, Condition.VALUE_EQUALS, v, false, new Expiry(time(d), null, false), true);
            }
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V get(K key) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] v;
        try {
            v = client.get(k);
        } catch (TriadException e) {
            throw triad(e);
        }
        if (v != null) {
            accessed(k, v);
            counted(stats.hits, stats.getNanos, t0);
            return object(v);
        }
        counted(stats.misses, stats.getNanos, t0);
        return load(key, k);
    }

    /** Read-through: the loader's value goes into the cache if it is still absent, as a creation. */
    private V load(K key, byte[] k) {
        if (!cfg.isReadThrough() || loader == null) {
            return null;
        }
        V v;
        try {
            v = loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException(e);
        }
        if (v != null) {
            Done d = set(key, k, v, value(v), Condition.ABSENT, null, false, false);
            if (d.stored()) {
                fire(EventType.CREATED, key, v, null);
            }
        }
        return v;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        open();
        if (keys == null) {
            throw new NullPointerException("keys");
        }
        for (K k : keys) {
            if (k == null) {
                throw new NullPointerException("null key");
            }
        }
        Map<K, V> out = new LinkedHashMap<>();
        for (K k : keys) {
            V v = get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    @Override
    public boolean containsKey(K key) {
        byte[] k = key(key);
        try {
            return client.containsKey(k);
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        open();
        if (keys == null) {
            throw new NullPointerException("keys");
        }
        for (K k : keys) {
            if (k == null) {
                throw new NullPointerException("null key");
            }
        }
        CompletionListener done = completionListener != null ? completionListener : new CompletionListener() {
            @Override
            public void onCompletion() {
            }

            @Override
            public void onException(Exception e) {
            }
        };
        if (loader == null) {
            done.onCompletion();
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                List<K> wanted = new ArrayList<>();
                for (K k : keys) {
                    if (replaceExistingValues || !containsKey(k)) {
                        wanted.add(k);
                    }
                }
                Map<K, V> loaded = wanted.isEmpty() ? Map.of() : loader.loadAll(wanted);
                if (loaded != null) {
                    for (Map.Entry<K, V> e : loaded.entrySet()) {
                        if (e.getKey() != null && e.getValue() != null) {
                            if (replaceExistingValues) {
                                putInternal(e.getKey(), e.getValue(), false);
                            } else {
                                byte[] k = key(e.getKey());
                                if (set(e.getKey(), k, e.getValue(), value(e.getValue()), Condition.ABSENT, null, false, false).stored()) {
                                    fire(EventType.CREATED, e.getKey(), e.getValue(), null);
                                }
                            }
                        }
                    }
                }
                done.onCompletion();
            } catch (Exception e) {
                done.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
            }
        });
    }

    // ------------------------------------------------------------------ writes

    /**
     * What a conditional write did: whether its condition held, whether an entry was there before (and its
     * value, when known), and whether the new value is now in the cache (false when the policy's zero duration
     * expired it at once).
     */
    private record Done(boolean held, boolean hadOld, byte[] old, boolean stored) {
    }

    /**
     * Writes {@code v} if {@code cond} holds. A mapped policy without a writer is one conditional write at the
     * owner. Otherwise the current entry is read first, so that the writer is called only for a write that will
     * happen and before the cache changes, and the policy is asked only about the creation or the update that
     * happens; the write then commits with a compare-and-set on what was read, retried on a lost race.
     */
    private Done set(K key, byte[] k, V value, byte[] v, Condition cond, byte[] expected, boolean through, boolean needOld) {
        try {
            if (mapped()) {
                Expiry x = mappedExpiry();
                if (x != null) {
                    Outcome o = client.write(k, v, cond, expected, needOld || !listeners.isEmpty(), x);
                    return new Done(o.applied(), o.hadOld(), o.oldValue(), o.applied());
                }
            }
            boolean written = false;
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                CacheClient.Versioned cur = client.getVersioned(k, true);
                byte[] old = cur == null ? null : cur.value();
                boolean holds = switch (cond) {
                    case ANY -> true;
                    case ABSENT -> cur == null;
                    case PRESENT -> cur != null;
                    case VALUE_EQUALS -> cur != null && Arrays.equals(old, expected);
                };
                if (!holds) {
                    return new Done(false, cur != null, old, false);
                }
                if (through && !written) {
                    writeThrough(key, value);
                    written = true;
                }
                Expiry x = expiryOf(cur);
                if (x == null) {
                    if (cur == null) {
                        return new Done(true, false, null, false);
                    }
                    if (client.write(k, null, Condition.VALUE_EQUALS, old, false, Expiry.DEFAULT, true).applied()) {
                        return new Done(true, true, old, false);
                    }
                } else if (client.write(k, v, cur == null ? Condition.ABSENT : Condition.VALUE_EQUALS, old, false, x).applied()) {
                    return new Done(true, cur != null, old, true);
                }
            }
        } catch (TriadException e) {
            throw triad(e);
        }
        throw new CacheException("a write on '" + name + "' lost " + CAS_ATTEMPTS + " races in a row");
    }

    private void writeThrough(K key, V value) {
        if (cfg.isWriteThrough() && writer != null) {
            try {
                writer.write(new SimpleEntry<>(key, value));
            } catch (CacheWriterException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheWriterException(e);
            }
        }
    }

    private void deleteThrough(K key) {
        if (cfg.isWriteThrough() && writer != null) {
            try {
                writer.delete(key);
            } catch (CacheWriterException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheWriterException(e);
            }
        }
    }

    /** After a successful write: counts the put and tells the listeners. */
    private void written(Done d, K key, V value, long t0) {
        if (d.stored()) {
            counted(stats.puts, stats.putNanos, t0);
            fire(d.hadOld() ? EventType.UPDATED : EventType.CREATED, key, value, d.old());
        }
    }

    @Override
    public void put(K key, V value) {
        putInternal(key, value, true);
    }

    private void putInternal(K key, V value, boolean through) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] v = value(value);
        written(set(key, k, value, v, Condition.ANY, null, through, false), key, value, t0);
    }

    @Override
    public V getAndPut(K key, V value) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] v = value(value);
        Done d = set(key, k, value, v, Condition.ANY, null, true, true);
        counted(d.hadOld() ? stats.hits : stats.misses, stats.getNanos, t0);
        written(d, key, value, t0);
        return object(d.old());
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        open();
        if (map == null) {
            throw new NullPointerException("map");
        }
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new NullPointerException("null key or value in putAll");
            }
            key(e.getKey());
            value(e.getValue());
        }
        if (cfg.isWriteThrough() && writer != null) {
            List<Cache.Entry<? extends K, ? extends V>> batch = new ArrayList<>();
            map.forEach((k, v) -> batch.add(new SimpleEntry<>(k, v)));
            CacheWriterException failed = null;
            try {
                @SuppressWarnings({"unchecked", "rawtypes"})
                CacheWriter<K, V> w = (CacheWriter) writer;
                w.writeAll(batch);
            } catch (Exception e) {
                failed = e instanceof CacheWriterException cwe ? cwe : new CacheWriterException(e);
            }
            // the writer removes what it wrote from the batch; what it wrote goes into the cache even on failure
            Set<K> notWritten = new HashSet<>();
            if (failed != null) {
                batch.forEach(en -> notWritten.add(en.getKey()));
            }
            for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
                if (!notWritten.contains(e.getKey())) {
                    putInternal(e.getKey(), e.getValue(), false);
                }
            }
            if (failed != null) {
                throw failed;
            }
            return;
        }
        map.forEach((k, v) -> putInternal(k, v, false));
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] v = value(value);
        Done d = set(key, k, value, v, Condition.ABSENT, null, true, false);
        counted(d.held() ? stats.misses : stats.hits, stats.getNanos, t0);
        written(d, key, value, t0);
        return d.held();
    }

    @Override
    public boolean remove(K key) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        deleteThrough(key);
        try {
            Outcome o = client.write(k, null, Condition.ANY, null, !listeners.isEmpty(), Expiry.DEFAULT);
            if (o.applied()) {
                counted(stats.removals, stats.removeNanos, t0);
                fire(EventType.REMOVED, key, null, o.oldValue());
            }
            return o.applied();
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    @Override
    public boolean remove(K key, V oldValue) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] old = value(oldValue);
        try {
            if (cfg.isWriteThrough() && writer != null) {
                // the writer hears only a removal that will happen: look first, then commit on what was seen
                CacheClient.Versioned cur = client.getVersioned(k, true);
                if (cur == null) {
                    counted(stats.misses, stats.getNanos, t0);
                    return false;
                }
                if (!Arrays.equals(cur.value(), old)) {
                    counted(stats.hits, stats.getNanos, t0);
                    accessed(k, cur.value());
                    return false;
                }
                deleteThrough(key);
            }
            Outcome o = client.write(k, null, Condition.VALUE_EQUALS, old, false, Expiry.DEFAULT);
            counted(o.hadOld() ? stats.hits : stats.misses, stats.getNanos, t0);
            if (o.applied()) {
                counted(stats.removals, stats.removeNanos, t0);
                fire(EventType.REMOVED, key, null, old);
            } else if (o.hadOld() && !mapped()) {
                CacheClient.Versioned cur = client.getVersioned(k, true);
                if (cur != null) {
                    accessed(k, cur.value());
                }
            }
            return o.applied();
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    @Override
    public V getAndRemove(K key) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        deleteThrough(key);
        try {
            Outcome o = client.write(k, null, Condition.ANY, null, true, Expiry.DEFAULT);
            counted(o.applied() ? stats.hits : stats.misses, stats.getNanos, t0);
            if (o.applied()) {
                counted(stats.removals, stats.removeNanos, t0);
                fire(EventType.REMOVED, key, null, o.oldValue());
            }
            return object(o.oldValue());
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] old = value(oldValue);
        byte[] v = value(newValue);
        Done d = set(key, k, newValue, v, Condition.VALUE_EQUALS, old, true, false);
        counted(d.hadOld() ? stats.hits : stats.misses, stats.getNanos, t0);
        if (!d.held() && d.hadOld() && d.old() != null) {
            accessed(k, d.old());
        }
        written(d, key, newValue, t0);
        return d.held();
    }

    @Override
    public boolean replace(K key, V value) {
        return replaceInternal(key, value).held();
    }

    @Override
    public V getAndReplace(K key, V value) {
        return object(replaceInternal(key, value).old());
    }

    private Done replaceInternal(K key, V value) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        byte[] v = value(value);
        Done d = set(key, k, value, v, Condition.PRESENT, null, true, true);
        counted(d.held() ? stats.hits : stats.misses, stats.getNanos, t0);
        written(d, key, value, t0);
        return d.held() ? d : new Done(false, d.hadOld(), null, false);
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        open();
        if (keys == null) {
            throw new NullPointerException("keys");
        }
        for (K k : keys) {
            if (k == null) {
                throw new NullPointerException("null key in removeAll");
            }
        }
        if (cfg.isWriteThrough() && writer != null && !keys.isEmpty()) {
            List<Object> batch = new ArrayList<>(keys);
            CacheWriterException failed = null;
            try {
                writer.deleteAll(batch);
            } catch (Exception e) {
                failed = e instanceof CacheWriterException cwe ? cwe : new CacheWriterException(e);
            }
            // the writer removes what it deleted from the batch; what is left stays in the cache
            Set<Object> notDeleted = failed == null ? Set.of() : new HashSet<>(batch);
            for (K k : keys) {
                if (!notDeleted.contains(k)) {
                    removeQuietly(k);
                }
            }
            if (failed != null) {
                throw failed;
            }
            return;
        }
        keys.forEach(this::removeQuietly);
    }

    /** A removal that the writer has heard already (or has not to hear). */
    private void removeQuietly(K key) {
        long t0 = System.nanoTime();
        try {
            Outcome o = client.write(key(key), null, Condition.ANY, null, !listeners.isEmpty(), Expiry.DEFAULT);
            if (o.applied()) {
                counted(stats.removals, stats.removeNanos, t0);
                fire(EventType.REMOVED, key, null, o.oldValue());
            }
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    @Override
    public void removeAll() {
        open();
        // the servers' key lists may still name an entry removed a moment ago (a third copy not yet applied):
        // the owner says which are live, so that the writer hears only of entries that are there
        Set<K> keys = new HashSet<>();
        try {
            for (byte[] k : client.keys()) {
                if (client.getVersioned(k, true) != null) {
                    keys.add(object(k));
                }
            }
        } catch (TriadException e) {
            throw triad(e);
        }
        removeAll(keys);
    }

    @Override
    public void clear() {
        open();
        try {
            for (byte[] k : client.keys()) {
                client.write(k, null, Condition.ANY, null, false, Expiry.DEFAULT, true);
            }
        } catch (TriadException e) {
            throw triad(e);
        }
    }

    // ------------------------------------------------------------------ entry processors

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        long t0 = System.nanoTime();
        byte[] k = key(key);
        if (entryProcessor == null) {
            throw new NullPointerException("entry processor");
        }
        try {
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                CacheClient.Versioned cur = client.getVersioned(k, true);
                V curValue = cur == null ? null : object(cur.value());
                Mutable entry = new Mutable(key, curValue);
                T result;
                try {
                    result = entryProcessor.process(entry, arguments);
                } catch (Exception e) {
                    throw e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
                }
                if (entry.loaded && entry.action == Action.NONE) {
                    // the processor read a value through the loader: it lands in the cache
                    entry.action = Action.SET;
                    entry.fromLoader = true;
                }
                switch (entry.action) {
                    case NONE -> {
                        counted(cur != null ? stats.hits : stats.misses, stats.getNanos, t0);
                        if (cur != null && entry.read) {
                            accessed(k, cur.value());
                        }
                        return result;
                    }
                    case REMOVE -> {
                        if (cur == null) {
                            // removing what is not there still reaches the writer, as a remove would
                            counted(stats.misses, stats.getNanos, t0);
                            deleteThrough(key);
                            return result;
                        }
                        deleteThrough(key);
                        if (client.write(k, null, Condition.VALUE_EQUALS, cur.value(), false, Expiry.DEFAULT).applied()) {
                            counted(stats.hits, stats.getNanos, t0);
                            counted(stats.removals, stats.removeNanos, t0);
                            fire(EventType.REMOVED, key, null, cur.value());
                            return result;
                        }
                    }
                    case SET -> {
                        byte[] v = value(entry.value);
                        if (!entry.fromLoader && i == 0) {
                            writeThrough(key, entry.value);
                        }
                        Expiry x = entry.fromLoader ? expiryOfCreation() : expiryOf(cur);
                        boolean applied;
                        if (x == null) {
                            applied = cur == null || client.write(k, null, Condition.VALUE_EQUALS, cur.value(), false,
                                    Expiry.DEFAULT, true).applied();
                        } else {
                            applied = client.write(k, v, cur == null ? Condition.ABSENT : Condition.VALUE_EQUALS,
                                    cur == null ? null : cur.value(), false, x).applied();
                        }
                        if (applied) {
                            counted(cur != null ? stats.hits : stats.misses, stats.getNanos, t0);
                            if (x != null) {
                                counted(stats.puts, stats.putNanos, t0);
                                fire(cur == null ? EventType.CREATED : EventType.UPDATED, key, entry.value, cur == null ? null : cur.value());
                            }
                            return result;
                        }
                    }
                }
            }
        } catch (TriadException e) {
            throw triad(e);
        }
        throw new EntryProcessorException("entry processor on '" + name + "' lost " + CAS_ATTEMPTS + " races in a row");
    }

    private Expiry expiryOfCreation() {
        return expiryOf(null);
    }

    private enum Action { NONE, SET, REMOVE }

    private final class Mutable implements MutableEntry<K, V> {
        private final K key;
        private V value;
        private Action action = Action.NONE;
        private boolean loaded;
        private boolean fromLoader;
        private boolean read;
        private final boolean existed;

        Mutable(K key, V value) {
            this.key = key;
            this.value = value;
            this.existed = value != null;
        }

        @Override
        public boolean exists() {
            return value != null;
        }

        @Override
        public void remove() {
            // removing what this processor created (or loaded) leaves the entry as it was: absent
            action = (action == Action.SET && !existed) || loaded ? Action.NONE : Action.REMOVE;
            value = null;
            loaded = false;
        }

        @Override
        public void setValue(V v) {
            if (v == null) {
                throw new NullPointerException("null value");
            }
            value = v;
            action = Action.SET;
            loaded = false;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            if (action == Action.NONE) {
                read = true;
            }
            if (value == null && action == Action.NONE && cfg.isReadThrough() && loader != null) {
                try {
                    value = loader.load(key);
                } catch (Exception e) {
                    throw e instanceof CacheLoaderException cle ? cle : new CacheLoaderException(e);
                }
                loaded = value != null;
            }
            return value;
        }

        @Override
        public <T> T unwrap(Class<T> clazz) {
            return Unwrap.to(clazz, this);
        }
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        open();
        if (keys == null || entryProcessor == null) {
            throw new NullPointerException("keys and entry processor are required");
        }
        for (K k : keys) {
            if (k == null) {
                throw new NullPointerException("null key");
            }
        }
        Map<K, EntryProcessorResult<T>> out = new HashMap<>();
        for (K k : keys) {
            try {
                T r = invoke(k, entryProcessor, arguments);
                if (r != null) {
                    out.put(k, () -> r);
                }
            } catch (EntryProcessorException e) {
                out.put(k, () -> {
                    throw e;
                });
            } catch (RuntimeException e) {
                EntryProcessorException epe = new EntryProcessorException(e);
                out.put(k, () -> {
                    throw epe;
                });
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ listeners

    @SuppressWarnings("unchecked")
    private Registration<K, V> register(CacheEntryListenerConfiguration<K, V> c) {
        CacheEntryListener<? super K, ? super V> l = c.getCacheEntryListenerFactory().create();
        CacheEntryEventFilter<? super K, ? super V> f = c.getCacheEntryEventFilterFactory() == null ? null
                : c.getCacheEntryEventFilterFactory().create();
        return new Registration<>(c, l, f);
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> c) {
        open();
        if (c == null) {
            throw new NullPointerException("listener configuration");
        }
        for (Registration<K, V> r : listeners) {
            if (r.config.equals(c)) {
                throw new IllegalArgumentException("listener already registered");
            }
        }
        cfg.addCacheEntryListenerConfiguration(c);
        listeners.add(register(c));
        hearOthers();
    }

    /** Other hosts' changes and the owners' expiries reach the listeners through the client's subscription. */
    private synchronized void hearOthers() {
        if (hearing) {
            return;
        }
        hearing = true;
        client.onChange(ch -> {
            if (closed || listeners.isEmpty()) {
                return;
            }
            EventType type = switch (ch.type()) {
                case CREATED -> EventType.CREATED;
                case UPDATED -> EventType.UPDATED;
                case REMOVED -> EventType.REMOVED;
                case EXPIRED -> EventType.EXPIRED;
            };
            fire(type, object(ch.key()), object(ch.value()), ch.oldValue());
        });
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> c) {
        open();
        if (c == null) {
            throw new NullPointerException("listener configuration");
        }
        for (Registration<K, V> r : listeners) {
            if (r.config.equals(c) && listeners.remove(r)) {
                closeQuietly(r.listener);
                closeQuietly(r.filter);
            }
        }
        cfg.removeCacheEntryListenerConfiguration(c);
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the specification asks providers to close what they created; failures are not the cache's
            }
        }
    }

    private final class Event extends CacheEntryEvent<K, V> {
        private final K key;
        private final V value;
        private final V oldValue;

        Event(EventType type, K key, V value, V oldValue) {
            super(TriadCache.this, type);
            this.key = key;
            this.value = value;
            this.oldValue = oldValue;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public V getOldValue() {
            return oldValue;
        }

        @Override
        public boolean isOldValueAvailable() {
            return oldValue != null;
        }

        @Override
        public <T> T unwrap(Class<T> clazz) {
            return Unwrap.to(clazz, this);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fire(EventType type, K key, V value, byte[] oldBytes) {
        if (listeners.isEmpty()) {
            return;
        }
        V old = object(oldBytes);
        for (Registration<K, V> r : listeners) {
            V shownOld = r.config.isOldValueRequired() ? old : null;
            boolean gone = type == EventType.REMOVED || type == EventType.EXPIRED;
            Event e = new Event(type, key, gone ? shownOld : value, shownOld);
            if (r.filter != null && !r.filter.evaluate((CacheEntryEvent) e)) {
                continue;
            }
            List<CacheEntryEvent<? extends K, ? extends V>> one = List.of(e);
            Iterable raw = one;
            switch (type) {
                case CREATED -> {
                    if (r.listener instanceof CacheEntryCreatedListener c) {
                        c.onCreated(raw);
                    }
                }
                case UPDATED -> {
                    if (r.listener instanceof CacheEntryUpdatedListener u) {
                        u.onUpdated(raw);
                    }
                }
                case REMOVED -> {
                    if (r.listener instanceof CacheEntryRemovedListener rm) {
                        rm.onRemoved(raw);
                    }
                }
                case EXPIRED -> {
                    if (r.listener instanceof CacheEntryExpiredListener ex) {
                        ex.onExpired(raw);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the rest of Cache

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        if (clazz.isAssignableFrom(MutableConfiguration.class)) {
            return clazz.cast(new MutableConfiguration<>(cfg));
        }
        throw new IllegalArgumentException("configuration is a " + CompleteConfiguration.class.getName() + ", not " + clazz);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Management.register(stats, Management.name("CacheStatistics", this), false);
            Management.register(configBean, Management.name("CacheConfiguration", this), false);
            manager.closed(this);
            List<Object> parts = new ArrayList<>(Arrays.asList(loader, writer, expiry));
            for (Registration<K, V> r : listeners) {
                parts.add(r.listener);
                parts.add(r.filter);
            }
            listeners.clear();
            parts.forEach(TriadCache::closeQuietly);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, this, client);
    }

    @Override
    public Iterator<Entry<K, V>> iterator() {
        open();
        List<byte[]> keys = client.keys();
        return new Iterator<>() {
            private int i;
            private Entry<K, V> next;
            private K last;

            @Override
            public boolean hasNext() {
                while (next == null && i < keys.size()) {
                    long t0 = System.nanoTime();
                    byte[] k = keys.get(i++);
                    byte[] v = client.get(k);
                    if (v != null) {
                        // each entry the iterator yields is an access (the policy, the hit count)
                        accessed(k, v);
                        counted(stats.hits, stats.getNanos, t0);
                        next = new SimpleEntry<>(object(k), object(v));
                    }
                }
                return next != null;
            }

            @Override
            public Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Entry<K, V> e = next;
                next = null;
                last = e.getKey();
                return e;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException();
                }
                TriadCache.this.remove(last);
                last = null;
            }
        };
    }

    static final class SimpleEntry<K, V> implements Entry<K, V> {
        private final K key;
        private final V value;

        SimpleEntry(K key, V value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public <T> T unwrap(Class<T> clazz) {
            return Unwrap.to(clazz, this);
        }
    }
}
