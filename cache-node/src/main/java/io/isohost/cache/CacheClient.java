package io.isohost.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.isohost.cache.internal.Buf;
import io.isohost.cache.internal.Hash;
import io.isohost.cache.internal.MNode;
import io.isohost.cache.internal.Proto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One named cache seen from a client: keys and values are bytes. Reads are answered from the near cache
 * while its copy is within the local read timeout or covered by a lease; otherwise the client re-checks its
 * m-node with the owner, and the value travels only if it changed. Writes always go to the owner and return
 * once the owner and its backup hold them. Arrays returned must not be modified.
 */
public final class CacheClient {
    private static final Logger log = LoggerFactory.getLogger(CacheClient.class);

    /** Conditions a write can carry; the owner checks them atomically. */
    public enum Condition { ANY, ABSENT, PRESENT, VALUE_EQUALS }

    /** A value with the version the owner gave it and its timeouts (milliseconds, -1 for none). */
    public record Versioned(byte[] value, long version, long expireMillis, long idleMillis) {
        Versioned(byte[] value, MNode m) {
            this(value, m.version(), m.expireTimeout(), m.idleTimeout());
        }
    }

    /**
     * What a write did.
     *
     * @param applied  the condition held and the write took effect
     * @param hadOld   an entry was present before
     * @param oldValue the previous value, when asked for and present
     * @param version  the entry's version after the write (0 if absent)
     */
    public record Outcome(boolean applied, boolean hadOld, byte[] oldValue, long version) {
    }

    public enum ChangeType { CREATED, UPDATED, REMOVED, EXPIRED }

    /** A change another client made (or an expiry), as the key's owner reports it; values may be null. */
    public record Change(ChangeType type, byte[] key, byte[] value, byte[] oldValue) {
    }

    /** Per-write expiry: null timeouts mean the cache's setting; {@code keepExpiry} keeps the old expire deadline. */
    public record Expiry(Duration expireTimeout, Duration idleTimeout, boolean keepExpiry) {
        public static final Expiry DEFAULT = new Expiry(null, null, false);
    }

    /**
     * A near copy. How long it is trusted (local read timeout, lease) is measured on the monotonic nanosecond
     * timer; when the entry itself expires (expire and idle timeouts) on the triad's clock, as the owner measures it.
     */
    private record Local(MNode m, byte[] value, long checkedNanos, long leaseUntilNanos, long checkedMillis) {
    }

    private final TriadClient client;
    private final CacheConfig cfg;
    private final Cache<Hash, Local> near;
    private final long localNanos;
    private final long leaseNanos;
    /** Moves on every revocation and every own write, so an answer that raced with one cannot install a lease. */
    private final AtomicLong revocations = new AtomicLong();
    private final LongAdder localHits = new LongAdder();
    private final LongAdder remoteReads = new LongAdder();
    private final List<Consumer<Change>> changeListeners = new CopyOnWriteArrayList<>();

    CacheClient(TriadClient client, CacheConfig cfg) {
        this.client = client;
        this.cfg = cfg;
        this.near = cfg.nearCacheEntries() > 0 ? Caffeine.newBuilder().maximumSize(cfg.nearCacheEntries()).build() : null;
        this.localNanos = cfg.localReadTimeout().toNanos();
        long lease = cfg.leaseTimeout() == null ? 0 : cfg.leaseTimeout().toNanos();
        this.leaseNanos = lease * 9 / 10;
    }

    public String name() {
        return cfg.name();
    }

    public CacheConfig config() {
        return cfg;
    }

    public byte[] get(byte[] key) {
        Versioned v = getVersioned(key);
        return v == null ? null : v.value();
    }

    public Versioned getVersioned(byte[] key) {
        return getVersioned(key, false);
    }

    /** With {@code fresh}, the owner confirms the near copy (only the m-node travels if it is current). */
    public Versioned getVersioned(byte[] key, boolean fresh) {
        Hash kh = Hash.ofKey(cfg.name(), key);
        long now = System.nanoTime();
        Local l = near == null ? null : near.getIfPresent(kh);
        if (l != null && !fresh && trusted(l, now)) {
            localHits.increment();
            return new Versioned(l.value, l.m);
        }
        remoteReads.increment();
        long rev = revocations.get();
        Buf req = new Buf(64 + key.length).u8(Proto.GET).str(cfg.name()).bytes(key)
                .i64(l == null ? -1 : l.m.version()).raw(l == null ? Hash.ZERO.bytes() : l.m.valueHash().bytes())
                .u8(leaseNanos > 0 ? Proto.G_LEASE : 0).i64(client.clientId());
        TriadClient.Reply r = client.request(kh, req);
        now = System.nanoTime();
        switch (r.status()) {
            case Proto.NOT_FOUND -> {
                if (near != null) {
                    near.invalidate(kh);
                }
                return null;
            }
            case Proto.NOT_MODIFIED -> {
                MNode m = MNode.read(r.in());
                boolean lease = r.in().u8() == 1;
                remember(kh, m, l.value, now, lease, rev, r.server());
                return new Versioned(l.value, m);
            }
            case Proto.OK -> {
                MNode m = MNode.read(r.in());
                byte[] value = r.in().bytes();
                boolean lease = r.in().u8() == 1;
                remember(kh, m, value, now, lease, rev, r.server());
                return new Versioned(value, m);
            }
            default -> throw new TriadException(TriadException.Code.BAD_MESSAGE, "unexpected answer " + r.status());
        }
    }

    public boolean containsKey(byte[] key) {
        return getVersioned(key) != null;
    }

    private boolean trusted(Local l, long now) {
        MNode m = l.m;
        if (now - l.checkedNanos >= localNanos && now - l.leaseUntilNanos >= 0) {
            return false;
        }
        if (m.idleTimeout() < 0 && m.expireTimeout() < 0) {
            return true;
        }
        long millis = client.clock().millis();
        if (m.idleTimeout() >= 0 && millis - l.checkedMillis >= m.idleTimeout() / 4) {
            return false; // the owner only sees reads that reach it: keep idle expiry honest
        }
        return m.expireTimeout() < 0 || millis < m.modifiedTime() + m.expireTimeout();
    }

    private void remember(Hash kh, MNode m, byte[] value, long now, boolean lease, long rev, int server) {
        if (near == null) {
            return;
        }
        boolean trustLease = lease && client.isSubscribed(server) && revocations.get() == rev;
        Local fresh = new Local(m, value, now, trustLease ? now + leaseNanos : now, client.clock().millis());
        // an answer that was overtaken by a newer one (another thread's write) must not replace it
        near.asMap().merge(kh, fresh, (old, neu) -> neu.m.compareVersion(old.m) >= 0 ? neu : old);
    }

    void revoked(Hash kh) {
        revocations.incrementAndGet();
        if (near != null) {
            near.invalidate(kh);
        }
    }

    void dropLeases() {
        revocations.incrementAndGet();
        if (near != null && leaseNanos > 0) {
            near.invalidateAll();
        }
    }

    /**
     * Hears the changes other clients make to this cache, and expiries, on the client's listener thread
     * (delivered while this client's subscription to the owner is up; best effort across failover).
     */
    public void onChange(Consumer<Change> listener) {
        changeListeners.add(listener);
        client.watch(cfg.name());
    }

    void changed(byte[] key, int type, byte[] value, byte[] oldValue) {
        if (near != null) {
            near.invalidate(Hash.ofKey(cfg.name(), key));
        }
        ChangeType t = switch (type) {
            case Proto.CREATED -> ChangeType.CREATED;
            case Proto.UPDATED -> ChangeType.UPDATED;
            case Proto.REMOVED -> ChangeType.REMOVED;
            default -> ChangeType.EXPIRED;
        };
        Change c = new Change(t, key, value, oldValue);
        for (Consumer<Change> l : changeListeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                log.warn("a change listener of cache {} failed: {}", cfg.name(), e.toString());
            }
        }
    }

    /** Reads answered from the near cache without asking the owner. */
    public long localHits() {
        return localHits.sum();
    }

    /** Reads that asked the owner (a full get or an m-node re-check). */
    public long remoteReads() {
        return remoteReads.sum();
    }

    /** Forgets every near copy. */
    public void clearNear() {
        if (near != null) {
            near.invalidateAll();
        }
    }

    public void put(byte[] key, byte[] value) {
        write(key, value, Condition.ANY, null, false, Expiry.DEFAULT);
    }

    public boolean putIfAbsent(byte[] key, byte[] value) {
        return write(key, value, Condition.ABSENT, null, false, Expiry.DEFAULT).applied();
    }

    public boolean replace(byte[] key, byte[] value) {
        return write(key, value, Condition.PRESENT, null, false, Expiry.DEFAULT).applied();
    }

    public boolean replace(byte[] key, byte[] expected, byte[] value) {
        return write(key, value, Condition.VALUE_EQUALS, expected, false, Expiry.DEFAULT).applied();
    }

    public boolean remove(byte[] key) {
        return write(key, null, Condition.ANY, null, false, Expiry.DEFAULT).applied();
    }

    public boolean remove(byte[] key, byte[] expected) {
        return write(key, null, Condition.VALUE_EQUALS, expected, false, Expiry.DEFAULT).applied();
    }

    public byte[] getAndPut(byte[] key, byte[] value) {
        return write(key, value, Condition.ANY, null, true, Expiry.DEFAULT).oldValue();
    }

    public byte[] getAndRemove(byte[] key) {
        return write(key, null, Condition.ANY, null, true, Expiry.DEFAULT).oldValue();
    }

    /**
     * The general write: {@code value} null removes. Returns once the owner and the next live server hold the
     * result. A retry inside carries the same request id, so the owner applies the write at most once.
     */
    public Outcome write(byte[] key, byte[] value, Condition cond, byte[] expected, boolean returnOld, Expiry expiry) {
        return write(key, value, cond, expected, returnOld, expiry, false);
    }

    /**
     * The general write; with {@code quiet}, the owner does not push the change to the clients watching the cache
     * (for a rewrite that only moves an entry's expiry, or removes an entry whose expiry says it is gone).
     */
    public Outcome write(byte[] key, byte[] value, Condition cond, byte[] expected, boolean returnOld, Expiry expiry,
                         boolean quiet) {
        Hash kh = Hash.ofKey(cfg.name(), key);
        int flags = (value == null ? Proto.W_DELETE : 0) | (returnOld ? Proto.W_RETURN_OLD : 0)
                | (expiry.keepExpiry() ? Proto.W_KEEP_EXPIRY : 0) | (quiet ? Proto.W_QUIET : 0);
        int c = switch (cond) {
            case ANY -> Proto.IF_ANY;
            case ABSENT -> Proto.IF_ABSENT;
            case PRESENT -> Proto.IF_PRESENT;
            case VALUE_EQUALS -> Proto.IF_HASH;
        };
        Buf req = new Buf(128 + key.length + (value == null ? 0 : value.length)).u8(Proto.WRITE)
                .i64(client.clientId()).i64(client.nextSeq()).str(cfg.name()).bytes(key).u8(c)
                .raw(expected == null ? Hash.ZERO.bytes() : Hash.ofValue(expected).bytes()).u8(flags);
        if (value != null) {
            req.bytes(value);
        }
        req.i64(CacheConfig.millis(expiry.expireTimeout() != null ? expiry.expireTimeout() : cfg.expireTimeout()))
                .i64(CacheConfig.millis(expiry.idleTimeout() != null ? expiry.idleTimeout() : cfg.idleTimeout()))
                .i64(leaseNanos > 0 ? CacheConfig.millis(cfg.leaseTimeout()) : -1);
        // reads in flight may carry the old value: they must not install a lease over this write
        long rev = revocations.incrementAndGet();
        TriadClient.Reply r = client.request(kh, req);
        boolean applied = r.in().u8() == 1;
        MNode current = MNode.read(r.in());
        MNode old = MNode.read(r.in());
        byte[] oldValue = r.in().bytes();
        boolean lease = r.in().u8() == 1;
        if (near != null) {
            if (applied && value != null) {
                remember(kh, current, value, System.nanoTime(), lease, rev, r.server());
            } else {
                near.invalidate(kh);
            }
        }
        return new Outcome(applied, !old.removed(), oldValue, current.removed() ? 0 : current.version());
    }

    /**
     * The keys of the live entries: the union of what the reachable servers hold. Every acknowledged write is on
     * two servers, so with one server down the union still has it; a key removed a moment ago may still appear.
     */
    public List<byte[]> keys() {
        Set<ByteBuffer> seen = new LinkedHashSet<>();
        for (Buf.In in : client.all(new Buf().u8(Proto.KEYS).str(cfg.name()))) {
            int count = in.i32();
            for (int i = 0; i < count; i++) {
                seen.add(ByteBuffer.wrap(in.bytes()));
            }
        }
        List<byte[]> out = new ArrayList<>(seen.size());
        seen.forEach(b -> out.add(b.array()));
        return out;
    }
}
