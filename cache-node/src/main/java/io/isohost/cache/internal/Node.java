package io.isohost.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.isohost.cache.CacheConfig;
import io.isohost.cache.TriadConfig;
import io.isohost.cache.TriadException;
import io.isohost.cache.TriadException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One triad server: the entries it holds, its view of the other members, and the protocol handlers.
 * <p>
 * Ownership: the acting owner of a key is the first server in the key's order that is live and ready in this
 * server's view. A write is applied by the acting owner only after the next live server in the order holds the
 * value and the m-node; that server accepts it only if it agrees the sender is the acting owner and the sender's
 * epoch is not fenced. A server serves a slot only after reconciling with the surviving copies (pulling newer
 * m-nodes and missing values), both when it starts and when it takes a slot over from a dead server.
 */
public final class Node implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final int KEY_LOCKS = 4096;
    /** Each connection has its own thread; past this many, new connections are closed at once. */
    private static final int MAX_CONNECTIONS = 2048;
    private static final int PAGE = 2000;
    /** How long a write waits for a lease holder to confirm the revocation; a silent holder's subscription is broken. */
    private static final long ACK_WAIT_MS = 250;
    /**
     * Tombstones are kept this long; a server that was away longer starts empty, so it cannot bring back
     * entries whose tombstones are gone.
     */
    static final long TOMBSTONE_TTL_MS = Duration.ofHours(24).toMillis();
    /** Past its expire timeout by this much, an entry is dropped (servers' clocks differ a little). */
    private static final long EXPIRED_GRACE_MS = 1000;
    /** How long the third-copy sender gathers before it sends: the third copy lags by this much at most, plus transit. */
    private static final long ASYNC_GATHER_NANOS = 5_000_000;

    private static final long VALUE_CACHE_BYTES = 32L << 20;

    /** One entry as held in memory; {@code accessTime} moves on reads at the owner only. */
    static final class Entry {
        final String cache;
        final byte[] key;
        final MNode m;
        volatile long accessTime;

        Entry(String cache, byte[] key, MNode m, long accessTime) {
            this.cache = cache;
            this.key = key;
            this.m = m;
            this.accessTime = accessTime;
        }
    }

    record ReqId(long client, long seq) {
    }

    record Lease(long client, long until) {
    }

    private final TriadConfig cfg;
    /** The time entries expire, leases end and versions grow by; the system clock but in tests. */
    private final InstantSource clock;
    private final int me;
    private final int n;
    private final Store store;
    private final Peer[] peers;
    private final int maxFrame;
    private final int failMs;
    private final ConcurrentHashMap<Hash, Entry> entries = new ConcurrentHashMap<>();
    // maintenance on the calling thread: no pool wake-ups on the write path
    private final Cache<ReqId, byte[]> done = Caffeine.newBuilder().maximumSize(200_000)
            .expireAfterWrite(Duration.ofMinutes(10)).executor(Runnable::run).build();
    /**
     * Values by hash, read through from the store, so a read skips RocksDB (5-8 µs of a remote get). A value
     * never changes under its hash, so a cached copy is never stale; whether the store holds a value (what a
     * backup's durability depends on) is still asked of the store.
     */
    private final Cache<Hash, byte[]> values = Caffeine.newBuilder().maximumWeight(VALUE_CACHE_BYTES)
            .weigher((Hash h, byte[] v) -> v.length + 64).executor(Runnable::run).build();
    private final ConcurrentHashMap<Hash, Lease> leases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Conn> subscribers = new ConcurrentHashMap<>();
    /** Pushes waiting for their ACK, by id. */
    private final ConcurrentHashMap<Long, CountDownLatch> acks = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    /** Per cache, the clients that asked to hear its changes. */
    private final ConcurrentHashMap<String, Set<Long>> watchers = new ConcurrentHashMap<>();
    /**
     * Two lock stripes per key: an owner holds its write lock across the round trip to the backup; the apply
     * lock is held only for local work. A replica never waits for a write lock, so two servers writing as
     * owners and replicating to each other cannot deadlock on a shared stripe.
     */
    private final ReentrantLock[] writeLocks = new ReentrantLock[KEY_LOCKS];
    private final ReentrantLock[] applyLocks = new ReentrantLock[KEY_LOCKS];
    private final ReentrantReadWriteLock[] slotLocks;
    private final int slotCount;
    /** Bit s set: this server reconciled slot s and serves it. Written under the monitor. */
    private volatile int servingMask;
    private final ReentrantReadWriteLock valueGc = new ReentrantReadWriteLock();
    private final AtomicLong lastVersion = new AtomicLong();
    private final Semaphore reconcileSignal = new Semaphore(0);
    private final List<BlockingQueue<Buf>> asyncQueues = new ArrayList<>();
    private final Set<Conn> open = ConcurrentHashMap.newKeySet();
    /** Connections accepted that have not yet sent an authenticated frame; bounded by the configuration. */
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final int authTimeoutMs;
    /** When a refusal over the bound was last logged (nanoTime): a flood logs once a second, not once a connection. */
    private volatile long refusalLogged = System.nanoTime() - 2_000_000_000L;
    private final long boot;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile long epoch;
    private int rejoins;
    private boolean joining;
    private int viewVersion;
    private ServerSocket server;

    public Node(TriadConfig cfg, InstantSource clock) {
        this.cfg = cfg;
        this.clock = clock;
        this.me = cfg.index();
        this.n = cfg.members().size();
        this.maxFrame = Math.max(cfg.maxValueBytes() + cfg.maxKeyBytes() + 64 * 1024, 4 * 1024 * 1024);
        this.failMs = (int) cfg.failureTimeout().toMillis();
        this.authTimeoutMs = (int) cfg.authTimeout().toMillis();
        this.peers = new Peer[n];
        for (int i = 0; i < n; i++) {
            if (i != me) {
                peers[i] = new Peer(i, cfg.members().get(i).address(), cfg.secret(), maxFrame);
            }
            asyncQueues.add(new ArrayBlockingQueue<>(10_000));
        }
        for (int i = 0; i < KEY_LOCKS; i++) {
            writeLocks[i] = new ReentrantLock();
            applyLocks[i] = new ReentrantLock();
        }
        int slots = Ordering.slots(n);
        slotLocks = new ReentrantReadWriteLock[slots];
        for (int i = 0; i < slots; i++) {
            slotLocks[i] = new ReentrantReadWriteLock();
        }
        slotCount = slots;
        store = new Store(cfg.dataDir().resolve("store"), cfg.fsync());
        boot = store.nextBoot();
        long now = clock.millis();
        long alive = store.lastAlive();
        if (alive > 0 && now - alive > TOMBSTONE_TTL_MS) {
            log.warn("triad server {} was away since {}, longer than tombstones are kept: starting empty",
                    cfg.self(), Instant.ofEpochMilli(alive));
            store.clear();
        }
        store.markAlive(now);
        long[] max = {0};
        store.forEach(r -> {
            entries.put(r.mnode().keyHash(), new Entry(r.cache(), r.key(), r.mnode(), now));
            max[0] = Math.max(max[0], r.mnode().version());
        });
        lastVersion.set(max[0]);
        log.info("triad server {} loaded {} entries (boot {})", cfg.self(), entries.size(), boot);
    }

    /** Binds the port and starts joining the triad; {@link #isReady()} turns true once reconciled. */
    public void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(cfg.self().host(), cfg.self().port()), 256);
        Thread.ofPlatform().daemon().name("triad-accept-" + cfg.serverId()).start(this::acceptLoop);
        for (Peer p : peers) {
            if (p != null) {
                Thread.ofPlatform().daemon().name("triad-heartbeat-" + p.index).start(() -> heartbeat(p));
                Thread.ofPlatform().daemon().name("triad-async-" + p.index).start(() -> asyncSender(p));
            }
        }
        Thread.ofPlatform().daemon().name("triad-reconcile-" + cfg.serverId()).start(this::reconciler);
        Thread.ofPlatform().daemon().name("triad-sweep-" + cfg.serverId()).start(this::sweeper);
        rejoin();
    }

    public boolean isReady() {
        return ready;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int entryCount() {
        return entries.size();
    }

    /** The m-node this server holds for the key (tombstones included), or null. */
    public MNode held(String cache, byte[] key) {
        Entry e = entries.get(Hash.ofKey(cache, key));
        return e == null ? null : e.m;
    }

    /** Whether this server's store holds the value. */
    public boolean storesValue(Hash valueHash) {
        return store.hasValue(valueHash);
    }

    // ---------------------------------------------------------------- connections

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = server.accept();
                if (open.size() >= MAX_CONNECTIONS) {
                    log.warn("refusing a connection from {}: {} open", s.getRemoteSocketAddress(), open.size());
                    s.close();
                    continue;
                }
                if (unauthenticated.incrementAndGet() > cfg.maxUnauthenticated()) {
                    unauthenticated.decrementAndGet();
                    refuseUnauthenticated(s);
                    continue;
                }
                Thread.ofPlatform().daemon().name("triad-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (running) {
                    log.warn("accept failed: {}", e.toString());
                }
            }
        }
    }

    private void refuseUnauthenticated(Socket s) throws IOException {
        long now = System.nanoTime();
        if (now - refusalLogged > 1_000_000_000L) {
            refusalLogged = now;
            log.warn("refusing a connection from {}: {} connections are waiting to authenticate (max-unauthenticated-connections)",
                    s.getRemoteSocketAddress(), cfg.maxUnauthenticated());
        }
        s.close();
    }

    /**
     * Serves one connection. Until its first authenticated frame it counts as unauthenticated and must send that
     * frame within the authentication timeout; a silent or slow connection is closed.
     */
    private void serve(Socket s) {
        boolean authenticated = false;
        Conn c;
        try {
            s.setSoTimeout(authTimeoutMs);
            c = Conn.accept(s, cfg.secret(), maxFrame);
        } catch (IOException e) {
            unauthenticated.decrementAndGet();
            try {
                s.close();
            } catch (IOException ignored) {
                // already broken
            }
            return;
        }
        open.add(c);
        try {
            while (running) {
                byte[] frame = c.receive();
                if (!authenticated) {
                    authenticated = true;
                    unauthenticated.decrementAndGet();
                    c.timeout(0);
                }
                Buf.In in = new Buf.In(frame);
                int op = in.u8();
                if (op == Proto.SUBSCRIBE) {
                    subscribe(c, in.i64());
                    return;
                }
                if (op == Proto.MNODES) {
                    mnodes(c, in);
                    continue;
                }
                Buf reply;
                try {
                    reply = handle(op, in);
                } catch (TriadException e) {
                    reply = error(e.code(), e.getMessage());
                    if (e.code() == Code.BAD_MESSAGE) {
                        c.send(reply);
                        return;
                    }
                } catch (RuntimeException e) {
                    if (!running) {
                        return; // closing: the store is gone
                    }
                    log.error("request {} failed", op, e);
                    reply = error(Code.INTERNAL, "internal error: " + e);
                }
                c.send(reply);
            }
        } catch (TriadException e) {
            log.warn("closing connection from {}: {}", c.remote(), e.getMessage());
            try {
                c.send(error(e.code(), e.getMessage()));
            } catch (IOException ignored) {
                // the peer will see the close
            }
        } catch (SocketTimeoutException e) {
            log.debug("closing connection from {}: no authenticated frame within {} ms", c.remote(), authTimeoutMs);
        } catch (IOException e) {
            // peer closed or died: nothing to answer
        } finally {
            if (!authenticated) {
                unauthenticated.decrementAndGet();
            }
            open.remove(c);
            c.close();
        }
    }

    private Buf handle(int op, Buf.In in) {
        return switch (op) {
            case Proto.GET -> get(in);
            case Proto.WRITE -> write(in);
            case Proto.KEYS -> keys(in);
            case Proto.CACHE_INFO -> cacheInfo(in);
            case Proto.STATUS -> status();
            case Proto.PING -> ping(in);
            case Proto.REPLICATE -> replicate(in);
            case Proto.REPLICATE_BATCH -> replicateBatch(in);
            case Proto.READY -> peerReady(in);
            case Proto.FETCH_VALUE -> fetchValue(in);
            default -> throw new TriadException(Code.BAD_MESSAGE, "corrupt message: unknown operation " + op);
        };
    }

    static Buf error(Code code, String message) {
        return new Buf().u8(Proto.ERROR).u8(code.ordinal()).str(message);
    }

    private static Buf status(int s) {
        return new Buf(8).u8(s);
    }

    // ---------------------------------------------------------------- validation

    private CacheConfig checkCache(String cache) {
        CacheConfig c = cfg.cache(cache);
        if (c == null) {
            throw new TriadException(Code.UNKNOWN_CACHE, "unknown cache '" + cache + "'");
        }
        return c;
    }

    private void checkKey(byte[] key) {
        if (key == null) {
            throw new TriadException(Code.BAD_MESSAGE, "corrupt message: null key");
        }
        if (key.length > cfg.maxKeyBytes()) {
            throw new TriadException(Code.TOO_LARGE, "key of " + key.length + " bytes is over the limit of " + cfg.maxKeyBytes());
        }
    }

    private void checkValue(byte[] value) {
        if (value != null && value.length > cfg.maxValueBytes()) {
            throw new TriadException(Code.TOO_LARGE, "value of " + value.length + " bytes is over the limit of " + cfg.maxValueBytes());
        }
    }

    private ReentrantLock writeLock(Hash kh) {
        return writeLocks[(kh.hashCode() & 0x7fffffff) % KEY_LOCKS];
    }

    private ReentrantLock applyLock(Hash kh) {
        return applyLocks[stripe(kh)];
    }

    // ---------------------------------------------------------------- ownership

    /** The first server in the slot's order that is live and ready in this server's view, or -1. */
    private int actingOwner(int slot) {
        for (int idx : Ordering.order(slot, n)) {
            if (idx == me ? ready : peers[idx].live) {
                return idx;
            }
        }
        return -1;
    }

    /** Null when this server serves the slot; otherwise the redirect or retry answer. */
    private Buf ownerCheck(int slot) {
        int owner = actingOwner(slot);
        if (owner != me) {
            return owner < 0 ? status(Proto.RETRY) : status(Proto.NOT_OWNER).i32(owner);
        }
        return (servingMask & (1 << slot)) != 0 ? null : status(Proto.RETRY);
    }

    /** The live servers after this one in the order: the synchronous backup first, then the third. */
    private List<Peer> followers(int slot) {
        int[] order = Ordering.order(slot, n);
        List<Peer> out = new ArrayList<>(2);
        boolean after = false;
        for (int idx : order) {
            if (idx == me) {
                after = true;
            } else if (after && peers[idx].live) {
                out.add(peers[idx]);
            }
        }
        return out;
    }

    private long nextVersion(long old) {
        long now = clock.millis() * 1000;
        return lastVersion.updateAndGet(v -> Math.max(Math.max(v + 1, old + 1), now));
    }

    // ---------------------------------------------------------------- client operations

    private Buf get(Buf.In in) {
        String cache = in.str();
        byte[] key = in.bytes();
        long knownVersion = in.i64();
        Hash knownHash = new Hash(in.raw(32));
        int flags = in.u8();
        long client = in.i64();
        checkCache(cache);
        checkKey(key);
        Hash kh = Hash.ofKey(cache, key);
        Buf redirect = ownerCheck(Ordering.slot(kh, n));
        if (redirect != null) {
            return redirect;
        }
        Entry e = entries.get(kh);
        long now = clock.millis();
        if (e == null || !e.m.live(now, e.accessTime)) {
            return status(Proto.NOT_FOUND);
        }
        e.accessTime = now;
        boolean lease = (flags & Proto.G_LEASE) != 0 && e.m.leaseTimeout() > 0 && grantLease(kh, client, now + e.m.leaseTimeout());
        if (e.m.version() == knownVersion && e.m.valueHash().equals(knownHash)) {
            Buf b = status(Proto.NOT_MODIFIED);
            e.m.write(b);
            return b.u8(lease ? 1 : 0);
        }
        byte[] value = null;
        if ((flags & Proto.G_META) == 0) {
            value = value(e.m.valueHash());
            if (value == null) {
                log.error("value {} of key {} is missing; reconciling", e.m.valueHash(), kh);
                reconcileSignal.release();
                return status(Proto.RETRY);
            }
        }
        Buf b = new Buf(MNode.SIZE + 16 + (value == null ? 0 : value.length)).u8(Proto.OK);
        e.m.write(b);
        return b.bytes(value).u8(lease ? 1 : 0);
    }

    /** A value by its hash, or null if this server does not hold it. */
    private byte[] value(Hash h) {
        byte[] v = values.getIfPresent(h);
        if (v == null) {
            v = store.value(h);
            if (v != null) {
                values.put(h, v);
            }
        }
        return v;
    }

    private boolean grantLease(Hash kh, long client, long until) {
        long now = clock.millis();
        Lease l = leases.compute(kh, (k, old) -> old == null || old.until < now || old.client == client ? new Lease(client, until) : old);
        return l.client == client;
    }

    /**
     * A write from another client ends the lease and tells its holder, and waits (briefly) until the holder
     * confirms, so once the write is acknowledged the holder no longer answers from its old copy.
     */
    private void revokeLease(String cache, Hash kh, long writer) {
        Lease l = leases.get(kh);
        if (l == null || l.client == writer) {
            return;
        }
        leases.remove(kh, l);
        if (l.until < clock.millis()) {
            return;
        }
        pushAndWait(List.of(l.client), id -> new Buf().u8(Proto.LEASE_REVOKED).str(cache).raw(kh.bytes()).i64(id));
    }

    /** Sends each client a push carrying an id and waits up to {@link #ACK_WAIT_MS} for all their ACKs. */
    private void pushAndWait(Collection<Long> clients, java.util.function.LongFunction<Buf> frame) {
        CountDownLatch done = new CountDownLatch(clients.size());
        List<Long> ids = new ArrayList<>();
        for (long client : clients) {
            Conn sub = subscribers.get(client);
            long id = ackIds.incrementAndGet();
            if (sub == null) {
                done.countDown(); // not listening: it trusts no lease from here (its subscription broke)
                continue;
            }
            ids.add(id);
            acks.put(id, done);
            try {
                sub.send(frame.apply(id));
            } catch (IOException e) {
                subscribers.remove(client, sub);
                sub.close();
                acks.remove(id);
                done.countDown();
            }
        }
        try {
            if (!done.await(ACK_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.debug("not every lease holder confirmed within {} ms", ACK_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ids.forEach(acks::remove);
        }
    }

    private void subscribe(Conn c, long client) throws IOException {
        Conn old = subscribers.put(client, c);
        if (old != null) {
            old.close();
        }
        c.send(status(Proto.OK));
        try {
            while (running) {
                Buf.In in = new Buf.In(c.receive());
                int op = in.u8();
                if (op == Proto.ACK) {
                    CountDownLatch done = acks.remove(in.i64());
                    if (done != null) {
                        done.countDown();
                    }
                } else if (op == Proto.WATCH) {
                    watchers.computeIfAbsent(in.str(), k -> ConcurrentHashMap.newKeySet()).add(client);
                } else if (op == Proto.UNWATCH) {
                    Set<Long> w = watchers.get(in.str());
                    if (w != null) {
                        w.remove(client);
                    }
                }
            }
        } finally {
            if (subscribers.remove(client, c)) {
                watchers.values().forEach(w -> w.remove(client));
            }
        }
    }

    private boolean watched(String cache) {
        Set<Long> w = watchers.get(cache);
        return w != null && !w.isEmpty();
    }

    /** Tells the clients watching the cache about a change (the writer knows already). Sent by the owner only. */
    private void changed(String cache, byte[] key, int type, byte[] value, byte[] oldValue, long writer) {
        Set<Long> w = watchers.get(cache);
        if (w == null || w.isEmpty()) {
            return;
        }
        Buf frame = new Buf(64 + key.length).u8(Proto.CHANGED).str(cache).bytes(key).u8(type).bytes(value).bytes(oldValue);
        for (Long id : w) {
            Conn sub = id == writer ? null : subscribers.get(id);
            if (sub != null) {
                try {
                    sub.send(frame);
                } catch (IOException e) {
                    subscribers.remove(id, sub);
                    sub.close();
                }
            }
        }
    }

    private Buf write(Buf.In in) {
        long client = in.i64();
        long seq = in.i64();
        String cache = in.str();
        byte[] key = in.bytes();
        int cond = in.u8();
        Hash expected = new Hash(in.raw(32));
        int flags = in.u8();
        boolean delete = (flags & Proto.W_DELETE) != 0;
        byte[] value = delete ? null : in.bytes();
        long expire = in.i64();
        long idle = in.i64();
        long leaseTimeout = in.i64();
        checkCache(cache);
        checkKey(key);
        if (!delete && value == null) {
            throw new TriadException(Code.BAD_MESSAGE, "corrupt message: null value");
        }
        checkValue(value);
        Hash kh = Hash.ofKey(cache, key);
        int slot = Ordering.slot(kh, n);
        Buf redirect = ownerCheck(slot);
        if (redirect != null) {
            return redirect;
        }
        Lock slotLock = slotLocks[slot].readLock();
        try {
            if (!slotLock.tryLock(failMs, TimeUnit.MILLISECONDS)) {
                return status(Proto.RETRY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return status(Proto.RETRY);
        }
        try {
            redirect = ownerCheck(slot);
            if (redirect != null) {
                return redirect;
            }
            ReqId rid = new ReqId(client, seq);
            ReentrantLock kl = writeLock(kh);
            kl.lock();
            try {
                byte[] earlier = done.getIfPresent(rid);
                if (earlier != null) {
                    return new Buf(earlier.length).raw(earlier); // a retry after a lost answer
                }
                Entry cur = entries.get(kh);
                long now = clock.millis();
                MNode absent = MNode.absent(kh);
                boolean present = cur != null && cur.m.live(now, cur.accessTime);
                MNode old = present ? cur.m : absent;
                boolean ok = switch (cond) {
                    case Proto.IF_ANY -> !delete || present;
                    case Proto.IF_ABSENT -> !present;
                    case Proto.IF_PRESENT -> present;
                    case Proto.IF_HASH -> present && old.valueHash().equals(expected);
                    default -> throw new TriadException(Code.BAD_MESSAGE, "corrupt message: condition " + cond);
                };
                boolean watched = watched(cache);
                byte[] oldValue = ((flags & Proto.W_RETURN_OLD) != 0 || watched) && present ? value(old.valueHash()) : null;
                if (!ok) {
                    return result(false, old, old, (flags & Proto.W_RETURN_OLD) != 0 ? oldValue : null, false);
                }
                long version = nextVersion(cur == null ? 0 : cur.m.version());
                MNode nm = delete
                        ? new MNode(kh, Hash.ZERO, 0, version, MNode.REMOVED, -1, -1, -1, now, now)
                        : new MNode(kh, Hash.ofValue(value), value.length, version, 0, expire, idle, leaseTimeout,
                        (flags & Proto.W_KEEP_EXPIRY) != 0 && present ? old.modifiedTime() : now, now);
                boolean lease = !delete && leaseTimeout > 0;
                byte[] answer = result(true, nm, old, (flags & Proto.W_RETURN_OLD) != 0 ? oldValue : null, lease).toBytes();
                boolean valueIsNew = !delete && (cur == null || !cur.m.valueHash().equals(nm.valueHash()));
                List<Peer> followers = followers(slot);
                byte[] newValue = valueIsNew ? value : null;
                if (n > 1) {
                    if (followers.isEmpty()) {
                        // a write needs two of the three servers; the client retries until one returns or it times out
                        return status(Proto.RETRY);
                    }
                    // the local disk write overlaps the backup's; readers see the entry only once both hold it
                    int s = replicateTo(followers.getFirst(), cache, key, nm, newValue, value, rid, answer,
                            () -> persist(cache, key, nm, newValue));
                    if (s != Proto.OK) {
                        return status(Proto.RETRY);
                    }
                    publish(cache, key, nm, now);
                } else {
                    apply(cache, key, nm, newValue, now);
                }
                done.put(rid, answer);
                if (followers.size() > 1) {
                    enqueueAsync(followers.get(1), cache, key, nm, valueIsNew ? value : null, rid, answer);
                }
                revokeLease(cache, kh, client);
                if (lease) {
                    grantLease(kh, client, now + leaseTimeout);
                }
                if (watched && (flags & Proto.W_QUIET) == 0) {
                    changed(cache, key, delete ? Proto.REMOVED : present ? Proto.UPDATED : Proto.CREATED, value, oldValue, client);
                }
                return new Buf(answer.length).raw(answer);
            } finally {
                kl.unlock();
            }
        } finally {
            slotLock.unlock();
        }
    }

    private static Buf result(boolean applied, MNode current, MNode old, byte[] oldValue, boolean lease) {
        Buf b = new Buf(2 * MNode.SIZE + 16 + (oldValue == null ? 0 : oldValue.length)).u8(Proto.OK).u8(applied ? 1 : 0);
        current.write(b);
        old.write(b);
        return b.bytes(oldValue).u8(lease ? 1 : 0);
    }

    /** Stores and publishes an m-node unless a newer one arrived meanwhile. */
    private void apply(String cache, byte[] key, MNode m, byte[] value, long accessTime) {
        ReentrantLock al = applyLock(m.keyHash());
        al.lock();
        valueGc.readLock().lock();
        try {
            Entry cur = entries.get(m.keyHash());
            if (cur == null || m.compareVersion(cur.m) > 0) {
                store.put(cache, key, m, value);
                entries.put(m.keyHash(), new Entry(cache, key, m, accessTime));
                lastVersion.accumulateAndGet(m.version(), Math::max);
            }
        } finally {
            valueGc.readLock().unlock();
            al.unlock();
        }
    }

    /** Stores an m-node not yet acknowledged, unless a newer one is held; readers do not see it yet. */
    private void persist(String cache, byte[] key, MNode m, byte[] value) {
        ReentrantLock al = applyLock(m.keyHash());
        al.lock();
        valueGc.readLock().lock();
        try {
            Entry cur = entries.get(m.keyHash());
            if (cur == null || m.compareVersion(cur.m) > 0) {
                store.put(cache, key, m, value);
            }
        } finally {
            valueGc.readLock().unlock();
            al.unlock();
        }
    }

    /** Makes a persisted m-node visible, unless a newer one arrived meanwhile. */
    private void publish(String cache, byte[] key, MNode m, long accessTime) {
        ReentrantLock al = applyLock(m.keyHash());
        al.lock();
        try {
            Entry cur = entries.get(m.keyHash());
            if (cur == null || m.compareVersion(cur.m) > 0) {
                entries.put(m.keyHash(), new Entry(cache, key, m, accessTime));
            }
        } finally {
            al.unlock();
        }
    }

    private Buf replicateRequest(String cache, byte[] key, MNode m, byte[] value, ReqId rid, byte[] answer, boolean async) {
        Buf b = new Buf(MNode.SIZE + 64 + key.length + (value == null ? 0 : value.length) + answer.length)
                .u8(Proto.REPLICATE).i32(me).i64(epoch).i64(rid.client()).i64(rid.seq()).str(cache).bytes(key);
        m.write(b);
        return b.bytes(value).bytes(answer).u8(async ? 1 : 0);
    }

    /**
     * Sends one m-node (and its value if the follower may lack it), runs {@code meanwhile}, and waits for the
     * follower to hold both.
     */
    private int replicateTo(Peer p, String cache, byte[] key, MNode m, byte[] value, byte[] fullValue, ReqId rid,
                            byte[] answer, Runnable meanwhile) {
        try {
            Conn c = p.borrow(failMs);
            int s;
            try {
                c.send(replicateRequest(cache, key, m, value, rid, answer, false));
                meanwhile.run();
                s = new Buf.In(c.receive()).u8();
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            p.giveBack(c);
            if (s == Proto.NEED_VALUE && fullValue != null) {
                s = p.call(replicateRequest(cache, key, m, fullValue, rid, answer, false), failMs).u8();
            }
            if (s == Proto.FENCED) {
                log.warn("server {} fenced this server's epoch {}: rejoining", p.index, Long.toHexString(epoch));
                rejoin();
            } else if (s == Proto.STALE) {
                reconcileSignal.release();
            }
            return s;
        } catch (IOException | TriadException e) {
            log.debug("replication to {} failed: {}", p.index, e.toString());
            return Proto.RETRY;
        }
    }

    private void enqueueAsync(Peer p, String cache, byte[] key, MNode m, byte[] value, ReqId rid, byte[] answer) {
        // a full queue drops the third copy: owner and backup hold it, and the third server pulls it when it
        // takes keys over or rejoins
        asyncQueues.get(p.index).offer(replicateRequest(cache, key, m, value, rid, answer, true));
    }

    /**
     * Sends third copies in batches: after the first queued copy it waits a moment so the copies of the next
     * writes share the frame, one wake-up of the third server instead of one per write. While copies keep coming
     * it wakes on its own every {@link #ASYNC_GATHER_NANOS} rather than being woken by the next copy queued: one
     * wake-up a batch fewer, and none paid by the writing thread.
     */
    private void asyncSender(Peer p) {
        BlockingQueue<Buf> q = asyncQueues.get(p.index);
        List<Buf> batch = new ArrayList<>();
        boolean busy = false;
        while (running) {
            try {
                Buf first;
                if (busy) {
                    LockSupport.parkNanos(ASYNC_GATHER_NANOS);
                    first = q.poll();
                    busy = first != null;
                } else {
                    first = q.poll(200, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        LockSupport.parkNanos(ASYNC_GATHER_NANOS);
                        busy = true;
                    }
                }
                if (first == null) {
                    continue;
                }
                if (!p.live) {
                    q.clear(); // copies for a member that is down are dropped; it pulls what it lacks when it rejoins
                    busy = false;
                    continue;
                }
                batch.clear();
                batch.add(first);
                q.drainTo(batch, 255);
                Buf frame = new Buf(4096).u8(Proto.REPLICATE_BATCH).i32(batch.size());
                for (Buf b : batch) {
                    frame.i32(b.length()).raw(b.array(), 0, b.length());
                }
                Buf.In r = p.call(frame, failMs);
                if (r.u8() != Proto.OK) {
                    continue;
                }
                int count = r.i32();
                for (int i = 0; i < count; i++) {
                    if (r.u8() == Proto.NEED_VALUE) {
                        resendWithValue(p, batch.get(i));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("third copies to {} dropped: {}", p.index, e.toString());
            }
        }
    }

    private void resendWithValue(Peer p, Buf request) throws IOException {
        Buf.In in = new Buf.In(request.toBytes());
        in.u8();
        in.i32();
        in.i64();
        long c = in.i64();
        long seq = in.i64();
        String cache = in.str();
        byte[] key = in.bytes();
        MNode m = MNode.read(in);
        in.bytes();
        byte[] answer = in.bytes();
        byte[] v = value(m.valueHash());
        if (v != null) {
            p.call(replicateRequest(cache, key, m, v, new ReqId(c, seq), answer, true), failMs);
        }
    }

    /** Third copies: each checked as a single replica would be, those that pass applied in one store write. */
    private Buf replicateBatch(Buf.In in) {
        int count = in.i32();
        if (count < 0 || count > 4096) {
            throw new TriadException(Code.BAD_MESSAGE, "corrupt message: batch of " + count);
        }
        int[] status = new int[count];
        List<Replica> pass = new ArrayList<>(count);
        int[] at = new int[count];
        for (int i = 0; i < count; i++) {
            Buf.In one = new Buf.In(in.raw(in.i32()));
            if (one.u8() != Proto.REPLICATE) {
                throw new TriadException(Code.BAD_MESSAGE, "corrupt message: a batch holds only replicas");
            }
            Replica r = readReplica(one);
            Buf refused = refusal(r);
            if (refused != null) {
                status[i] = refused.array()[0] & 0xff;
            } else {
                at[pass.size()] = i;
                pass.add(r);
            }
        }
        if (!pass.isEmpty()) {
            int[] applied = applyReplicas(pass);
            for (int j = 0; j < applied.length; j++) {
                status[at[j]] = applied[j];
            }
        }
        Buf out = new Buf(8 + count).u8(Proto.OK).i32(count);
        for (int s : status) {
            out.u8(s);
        }
        return out;
    }

    private Buf keys(Buf.In in) {
        String cache = in.str();
        checkCache(cache);
        if (!ready) {
            return status(Proto.RETRY);
        }
        long now = clock.millis();
        Buf b = status(Proto.OK);
        List<byte[]> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.cache.equals(cache) && e.m.live(now, e.accessTime)) {
                out.add(e.key);
            }
        }
        b.i32(out.size());
        out.forEach(b::bytes);
        return b;
    }

    private Buf cacheInfo(Buf.In in) {
        String name = in.str();
        CacheConfig c = checkCache(name);
        return status(Proto.OK).u8(cfg.caches().containsKey(name) ? 1 : 0).i64(CacheConfig.millis(c.expireTimeout())).i64(CacheConfig.millis(c.idleTimeout()))
                .i64(CacheConfig.millis(c.leaseTimeout())).i64(c.localReadTimeout().toMillis()).i32(c.nearCacheEntries());
    }

    private Buf status() {
        int mask = 0;
        for (Peer p : peers) {
            if (p != null && p.live) {
                mask |= 1 << p.index;
            }
        }
        return status(Proto.OK).u8(ready ? 1 : 0).i64(epoch).i32(me).i32(mask).i32(entries.size());
    }

    // ---------------------------------------------------------------- server-to-server

    private Peer peer(int index) {
        if (index < 0 || index >= n || index == me) {
            throw new TriadException(Code.BAD_MESSAGE, "corrupt message: no member " + index);
        }
        return peers[index];
    }

    private Buf ping(Buf.In in) {
        Peer p = peer(in.i32());
        long e = in.i64();
        return status(Proto.OK).i64(epoch).u8(ready ? 1 : 0).u8(e <= p.fenced ? 1 : 0);
    }

    /** A replica as received from member {@code from}, sent in its epoch {@code epoch}. */
    private record Replica(Peer from, long epoch, ReqId rid, String cache, byte[] key, MNode m, byte[] value,
                           byte[] answer) {
    }

    private Replica readReplica(Buf.In in) {
        Peer p = peer(in.i32());
        long e = in.i64();
        ReqId rid = new ReqId(in.i64(), in.i64());
        String cache = in.str();
        byte[] key = in.bytes();
        MNode m = MNode.read(in);
        byte[] value = in.bytes();
        byte[] answer = in.bytes();
        in.u8();
        return new Replica(p, e, rid, cache, key, m, value, answer);
    }

    /** The refusal a replica gets before any local state is looked at (fenced, unknown epoch, not the owner), or null. */
    private Buf refusal(Replica r) {
        Peer p = r.from();
        if (r.epoch() <= p.fenced) {
            return status(Proto.FENCED);
        }
        if (!p.live || p.epoch != r.epoch()) {
            return status(Proto.RETRY);
        }
        int slot = Ordering.slot(r.m().keyHash(), n);
        int owner = actingOwner(slot);
        if (owner != p.index) {
            return status(Proto.NOT_OWNER).i32(owner);
        }
        if (r.value() != null && !Hash.ofValue(r.value()).equals(r.m().valueHash())) {
            throw new TriadException(Code.BAD_MESSAGE, "corrupt message: value does not match its hash");
        }
        return null;
    }

    private Buf replicate(Buf.In in) {
        Replica r = readReplica(in);
        Buf refused = refusal(r);
        return refused != null ? refused : status(applyReplicas(List.of(r))[0]);
    }

    private int stripe(Hash kh) {
        return (kh.hashCode() & 0x7fffffff) % KEY_LOCKS;
    }

    /**
     * Applies replicas that passed {@link #refusal}: each one newer than what this server holds is stored, all of
     * them in one RocksDB write batch, then made visible. Answers per replica: {@code OK} (stored, or held
     * already), {@code STALE} (a newer one is held) or {@code NEED_VALUE}. The apply locks of all their keys are
     * held throughout, taken in stripe order (every other path holds one at a time, so this cannot deadlock).
     */
    private int[] applyReplicas(List<Replica> rs) {
        int[] out = new int[rs.size()];
        int[] stripes = new int[rs.size()];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = stripe(rs.get(i).m().keyHash());
        }
        Arrays.sort(stripes);
        int locked = 0;
        List<Replica> stored = new ArrayList<>(rs.size());
        try {
            for (int i = 0; i < stripes.length; i++) {
                if (i == 0 || stripes[i] != stripes[i - 1]) {
                    applyLocks[stripes[i]].lock();
                    stripes[locked++] = stripes[i];
                }
            }
            // within a batch a key may come twice and a value may come with an earlier replica
            java.util.Map<Hash, MNode> batchNodes = rs.size() > 1 ? new java.util.HashMap<>() : null;
            Set<Hash> batchValues = rs.size() > 1 ? new HashSet<>() : null;
            valueGc.readLock().lock();
            try {
                List<Store.Write> writes = new ArrayList<>(rs.size());
                for (int i = 0; i < out.length; i++) {
                    Replica r = rs.get(i);
                    MNode m = r.m();
                    MNode cur = batchNodes == null ? null : batchNodes.get(m.keyHash());
                    if (cur == null) {
                        Entry e = entries.get(m.keyHash());
                        cur = e == null ? null : e.m;
                    }
                    if (cur != null) {
                        int c = m.compareVersion(cur);
                        if (c <= 0) {
                            out[i] = c == 0 ? Proto.OK : Proto.STALE;
                            continue;
                        }
                    }
                    // the value of an m-node held here is in the store (stored with it or checked then, and the value
                    // collector, shut out by the read lock, keeps every value an entry points at): no RocksDB read for
                    // a put that keeps the value
                    if (!m.removed() && r.value() == null && (cur == null || !cur.valueHash().equals(m.valueHash()))
                            && (batchValues == null || !batchValues.contains(m.valueHash()))
                            && !store.hasValue(m.valueHash())) {
                        out[i] = Proto.NEED_VALUE;
                        continue;
                    }
                    writes.add(new Store.Write(r.cache(), r.key(), m, r.value()));
                    stored.add(r);
                    if (batchNodes != null) {
                        batchNodes.put(m.keyHash(), m);
                        if (r.value() != null) {
                            batchValues.add(m.valueHash());
                        }
                    }
                    out[i] = Proto.OK;
                }
                if (writes.size() == 1) {
                    Store.Write w = writes.getFirst();
                    store.put(w.cache(), w.key(), w.mnode(), w.value());
                } else {
                    store.putAll(writes);
                }
                long now = clock.millis();
                for (Replica r : stored) {
                    entries.put(r.m().keyHash(), new Entry(r.cache(), r.key(), r.m(), now));
                }
            } finally {
                valueGc.readLock().unlock();
            }
            for (Replica r : stored) {
                if (r.rid().client() != 0 && r.answer() != null && r.answer().length > 0) {
                    done.put(r.rid(), r.answer());
                }
                lastVersion.accumulateAndGet(r.m().version(), Math::max);
            }
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                applyLocks[stripes[i]].unlock();
            }
        }
        for (Replica r : stored) {
            revokeLease(r.cache(), r.m().keyHash(), 0);
        }
        return out;
    }

    /** A peer finished reconciling: from now on it owns its slots, so stop serving them first. */
    private Buf peerReady(Buf.In in) {
        Peer p = peer(in.i32());
        long e = in.i64();
        if (e <= p.fenced) {
            return status(Proto.FENCED).i64(p.fenced); // the joiner takes a higher epoch (it may have lost its disk)
        }
        return admit(p, e) ? status(Proto.OK) : status(Proto.RETRY);
    }

    private boolean admit(Peer p, long e) {
        List<Lock> held = new ArrayList<>();
        try {
            for (ReentrantReadWriteLock l : slotLocks) {
                Lock w = l.writeLock();
                if (!w.tryLock(failMs, TimeUnit.MILLISECONDS)) {
                    return false;
                }
                held.add(w);
            }
            int handedOver;
            synchronized (this) {
                if (e <= p.fenced) {
                    return false;
                }
                if (p.live && p.epoch != e) {
                    p.fenced = Math.max(p.fenced, p.epoch);
                }
                if (!p.live || p.epoch != e) {
                    log.info("server {}: member {} live in epoch {}", me, p.index, Long.toHexString(e));
                }
                p.epoch = e;
                p.live = true;
                int before = servingMask;
                viewChanged();
                handedOver = before & ~servingMask;
            }
            if (handedOver != 0) {
                // the leases this server granted on those keys are unknown to their owner: have them dropped
                pushAndWait(new ArrayList<>(subscribers.keySet()), id -> new Buf().u8(Proto.LEASES_RESET).i64(id));
            }
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            held.forEach(Lock::unlock);
        }
    }

    private Buf fetchValue(Buf.In in) {
        byte[] v = value(new Hash(in.raw(32)));
        return v == null ? status(Proto.NOT_FOUND) : status(Proto.OK).bytes(v);
    }

    /** Streams every m-node, with its cache and key, in frames of {@link #PAGE}. */
    private void mnodes(Conn c, Buf.In in) throws IOException {
        peer(in.i32());
        int deadMask = in.i32();
        for (Peer p : peers) {
            if (p != null && (deadMask & (1 << p.index)) != 0 && p.live) {
                c.send(status(Proto.RETRY)); // we disagree on who is dead: not yet safe to hand over
                return;
            }
        }
        List<Entry> all = new ArrayList<>(entries.values());
        int i = 0;
        do {
            int end = Math.min(all.size(), i + PAGE);
            Buf b = new Buf(64 * 1024).u8(Proto.OK).u8(end < all.size() ? 1 : 0).i32(end - i);
            for (; i < end; i++) {
                Entry e = all.get(i);
                e.m.write(b);
                b.str(e.cache).bytes(e.key);
            }
            c.send(b);
        } while (i < all.size());
    }

    // ---------------------------------------------------------------- membership

    private void heartbeat(Peer p) {
        Conn c = null;
        long interval = cfg.heartbeat().toMillis();
        while (running) {
            try {
                Thread.sleep(interval);
                if (c == null) {
                    c = p.open(failMs);
                    c.timeout(failMs);
                }
                long sent = epoch;
                Buf.In r = c.call(new Buf().u8(Proto.PING).i32(me).i64(sent).u8(ready ? 1 : 0));
                if (r.u8() != Proto.OK) {
                    throw new IOException("ping refused");
                }
                long e = r.i64();
                boolean peerReady = r.u8() == 1;
                boolean fencedMe = r.u8() == 1;
                if (fencedMe && ready && sent == epoch) {
                    log.warn("server {} fenced this server's epoch {}: rejoining", p.index, Long.toHexString(sent));
                    rejoin();
                }
                if (peerReady && e > p.fenced && (!p.live || p.epoch != e)) {
                    admit(p, e);
                } else if (!peerReady && p.live && e != p.epoch) {
                    // a rejoin always takes a new epoch; the admitted epoch not yet ready is still catching up
                    markDead(p, "rejoining");
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | TriadException e) {
                if (c != null) {
                    c.close();
                    c = null;
                }
                markDead(p, e.toString());
            }
        }
        if (c != null) {
            c.close();
        }
    }

    private synchronized void markDead(Peer p, String why) {
        if (!p.live) {
            return;
        }
        p.live = false;
        p.fenced = Math.max(p.fenced, p.epoch);
        p.closeAll();
        log.info("server {}: member {} is down ({}); fenced epoch {}", me, p.index, why, Long.toHexString(p.epoch));
        viewChanged();
    }

    /** After any change of view: stop serving what another server now owns; reconcile before taking slots over. */
    private void viewChanged() {
        viewVersion++;
        boolean takeover = false;
        int mask = servingMask;
        for (int s = 0; s < slotCount; s++) {
            if (actingOwner(s) != me) {
                mask &= ~(1 << s);
            } else if ((mask & (1 << s)) == 0) {
                takeover = true;
            }
        }
        servingMask = mask;
        if (takeover) {
            reconcileSignal.release();
        }
    }

    /** A new epoch, above the last one and above {@code floor}; the boot count keeps restarts apart. */
    private void raiseEpoch(long floor) {
        epoch = Math.max(Math.max(epoch, floor) + 1, (boot << 20) | (++rejoins & 0xfffff));
    }

    private void rejoin() {
        synchronized (this) {
            if (joining || !running) {
                return;
            }
            joining = true;
            ready = false;
            servingMask = 0;
            raiseEpoch(0);
            viewVersion++;
        }
        Thread.ofPlatform().daemon().name("triad-join-" + cfg.serverId()).start(this::join);
    }

    /** Pull from every reachable member, announce readiness, pull again what changed meanwhile, then serve. */
    private void join() {
        try {
            while (running) {
                List<Peer> reachable = new ArrayList<>();
                for (Peer p : peers) {
                    if (p != null) {
                        learn(p);
                    }
                }
                for (Peer p : peers) {
                    if (p != null && pull(p, 0)) {
                        reachable.add(p);
                    }
                }
                List<Peer> admitted = new ArrayList<>();
                long fenced = -1;
                for (Peer p : reachable) {
                    try {
                        Buf.In r = p.call(new Buf().u8(Proto.READY).i32(me).i64(epoch), failMs * 3);
                        int s = r.u8();
                        if (s == Proto.OK) {
                            admitted.add(p);
                        } else if (s == Proto.FENCED) {
                            fenced = Math.max(fenced, r.i64());
                        }
                    } catch (IOException | TriadException e) {
                        log.debug("ready to {} failed: {}", p.index, e.toString());
                    }
                }
                if (fenced >= 0) {
                    synchronized (this) {
                        raiseEpoch(fenced);
                    }
                    continue;
                }
                boolean complete = true;
                for (Peer p : admitted) {
                    complete &= pull(p, 0);
                }
                if (!complete || admitted.size() < reachable.size()) {
                    Thread.sleep(50);
                    continue;
                }
                synchronized (this) {
                    ready = true;
                    joining = false;
                    viewVersion++;
                    long now = clock.millis();
                    int mask = 0;
                    for (int s = 0; s < slotCount; s++) {
                        mask |= actingOwner(s) == me ? 1 << s : 0;
                    }
                    servingMask = mask;
                    entries.values().forEach(e -> e.accessTime = Math.max(e.accessTime, now));
                }
                log.info("triad server {} ready in epoch {} ({} entries, {} members reachable)", cfg.self(),
                        Long.toHexString(epoch), entries.size(), reachable.size() + 1);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                joining = false;
            }
        }
    }

    /** Admits a peer that says it is ready, so a joining server starts with the view the others have. */
    private void learn(Peer p) {
        try {
            Buf.In r = p.call(new Buf().u8(Proto.PING).i32(me).i64(epoch).u8(0), failMs);
            if (r.u8() == Proto.OK) {
                long e = r.i64();
                if (r.u8() == 1 && e > p.fenced && (!p.live || p.epoch != e)) {
                    admit(p, e);
                }
            }
        } catch (IOException | TriadException e) {
            log.debug("member {} not reachable while joining: {}", p.index, e.toString());
        }
    }

    /** Takes over slots of a dead server only after reconciling with every live member that agrees it is dead. */
    private void reconciler() {
        while (running) {
            try {
                reconcileSignal.acquire();
                reconcileSignal.drainPermits();
                if (!running) {
                    break; // woken by close()
                }
                if (!ready) {
                    continue;
                }
                int v;
                int deadMask = 0;
                List<Peer> live = new ArrayList<>();
                synchronized (this) {
                    v = viewVersion;
                    for (Peer p : peers) {
                        if (p != null) {
                            if (p.live) {
                                live.add(p);
                            } else {
                                deadMask |= 1 << p.index;
                            }
                        }
                    }
                }
                boolean ok = true;
                for (Peer p : live) {
                    ok &= pull(p, deadMask);
                }
                boolean takingOver = false;
                for (int s = 0; s < slotCount; s++) {
                    takingOver |= actingOwner(s) == me && (servingMask & (1 << s)) == 0;
                }
                if (ok && takingOver) {
                    // leases the old owner granted are unknown here: every client drops its leases before we serve
                    pushAndWait(new ArrayList<>(subscribers.keySet()), id -> new Buf().u8(Proto.LEASES_RESET).i64(id));
                }
                synchronized (this) {
                    if (!ok || v != viewVersion || !ready) {
                        if (ready) {
                            Thread.ofVirtual().start(() -> {
                                sleepQuietly(50);
                                reconcileSignal.release();
                            });
                        }
                        continue;
                    }
                    long now = clock.millis();
                    int mask = 0;
                    for (int s = 0; s < slotCount; s++) {
                        boolean own = actingOwner(s) == me;
                        if (own && (servingMask & (1 << s)) == 0) {
                            int slot = s;
                            // idle time is only tracked by the owner: a new owner restarts the idle clock
                            entries.values().forEach(e -> {
                                if (Ordering.slot(e.m.keyHash(), n) == slot) {
                                    e.accessTime = Math.max(e.accessTime, now);
                                }
                            });
                            log.info("server {} serves slot {} after reconciling", me, s);
                        }
                        mask |= own ? 1 << s : 0;
                    }
                    servingMask = mask;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    log.error("reconcile failed", e);
                }
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pulls the peer's m-nodes and applies every newer one, fetching values this server lacks. */
    private boolean pull(Peer p, int deadMask) {
        List<Store.Record> newer = new ArrayList<>();
        Conn c = null;
        try {
            c = p.borrow(failMs * 3);
            c.send(new Buf().u8(Proto.MNODES).i32(me).i32(deadMask));
            boolean more;
            do {
                Buf.In in = new Buf.In(c.receive());
                int s = in.u8();
                if (s != Proto.OK) {
                    p.giveBack(c);
                    return false;
                }
                more = in.u8() == 1;
                int count = in.i32();
                for (int i = 0; i < count; i++) {
                    MNode m = MNode.read(in);
                    String cache = in.str();
                    byte[] key = in.bytes();
                    Entry cur = entries.get(m.keyHash());
                    if (cur == null || m.compareVersion(cur.m) > 0) {
                        newer.add(new Store.Record(cache, key, m));
                    }
                }
            } while (more);
            p.giveBack(c);
            c = null;
            for (Store.Record r : newer) {
                MNode m = r.mnode();
                byte[] value = null;
                if (!m.removed() && !store.hasValue(m.valueHash())) {
                    Buf.In in = p.call(new Buf().u8(Proto.FETCH_VALUE).raw(m.valueHash().bytes()), failMs * 3);
                    if (in.u8() != Proto.OK) {
                        continue; // replaced there meanwhile; the newer m-node arrives on a later pull
                    }
                    value = in.bytes();
                }
                apply(r.cache(), r.key(), m, value, clock.millis());
            }
            if (!newer.isEmpty()) {
                log.info("server {} took {} newer entries from {}", me, newer.size(), p.index);
            }
            return true;
        } catch (IOException | TriadException e) {
            if (c != null) {
                c.close();
            }
            log.debug("pull from {} failed: {}", p.index, e.toString());
            return false;
        }
    }

    // ---------------------------------------------------------------- housekeeping

    /**
     * Every second: leases that ran out go; entries past their expire timeout and old tombstones are dropped;
     * the owner removes idle entries through the replicated path (only it sees their reads). Every minute:
     * values no m-node points at go, and the server records that it is alive.
     */
    private void sweeper() {
        long lastGc = clock.millis();
        while (running) {
            sleepQuietly(1000);
            if (!running) {
                return;
            }
            try {
                long now = clock.millis();
                leases.values().removeIf(l -> l.until < now);
                for (Entry e : entries.values()) {
                    MNode m = e.m;
                    if (m.removed()) {
                        if (now - m.modifiedTime() > TOMBSTONE_TTL_MS) {
                            drop(e);
                        }
                    } else if (m.expireTimeout() >= 0 && now > m.modifiedTime() + m.expireTimeout() + EXPIRED_GRACE_MS) {
                        boolean tell = watched(e.cache) && ownerCheck(Ordering.slot(m.keyHash(), n)) == null;
                        byte[] old = tell ? value(m.valueHash()) : null;
                        if (drop(e) && tell) {
                            changed(e.cache, e.key, Proto.EXPIRED, null, old, 0);
                        }
                    } else if (ready && !m.removed() && m.idleTimeout() >= 0
                            && now >= Math.max(e.accessTime, m.modifiedTime()) + m.idleTimeout()) {
                        expireIdle(e);
                    }
                }
                if (now - lastGc > 60_000) {
                    lastGc = now;
                    store.markAlive(now);
                    collectValues();
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("sweep failed: {}", e.toString());
                }
            }
        }
    }

    private boolean drop(Entry e) {
        ReentrantLock al = applyLock(e.m.keyHash());
        al.lock();
        try {
            if (entries.remove(e.m.keyHash(), e)) {
                store.delete(e.m.keyHash());
                return true;
            }
            return false;
        } finally {
            al.unlock();
        }
    }

    /** The owner turns an idle-expired entry into a tombstone, replicated like any removal. */
    private void expireIdle(Entry e) {
        Hash kh = e.m.keyHash();
        int slot = Ordering.slot(kh, n);
        Lock slotLock = slotLocks[slot].readLock();
        if (ownerCheck(slot) != null || !slotLock.tryLock()) {
            return;
        }
        ReentrantLock kl = writeLock(kh);
        kl.lock();
        try {
            long now = clock.millis();
            Entry cur = entries.get(kh);
            if (cur != e || cur.m.live(now, cur.accessTime) || ownerCheck(slot) != null) {
                return;
            }
            MNode tomb = new MNode(kh, Hash.ZERO, 0, nextVersion(cur.m.version()), MNode.REMOVED, -1, -1, -1, now, now);
            byte[] old = watched(cur.cache) ? value(cur.m.valueHash()) : null;
            ReqId none = new ReqId(0, 0);
            List<Peer> followers = followers(slot);
            if (n > 1) {
                if (followers.isEmpty()
                        || replicateTo(followers.getFirst(), cur.cache, cur.key, tomb, null, null, none, new byte[0],
                        () -> persist(cur.cache, cur.key, tomb, null)) != Proto.OK) {
                    return;
                }
                publish(cur.cache, cur.key, tomb, now);
                if (followers.size() > 1) {
                    enqueueAsync(followers.get(1), cur.cache, cur.key, tomb, null, none, new byte[0]);
                }
            } else {
                apply(cur.cache, cur.key, tomb, null, now);
            }
            changed(cur.cache, cur.key, Proto.EXPIRED, null, old, 0);
        } finally {
            kl.unlock();
            slotLock.unlock();
        }
    }

    private void collectValues() {
        Set<Hash> used = new HashSet<>();
        entries.values().forEach(e -> used.add(e.m.valueHash()));
        List<Hash> unused = new ArrayList<>();
        store.forEachValueHash(h -> {
            if (!used.contains(h)) {
                unused.add(h);
            }
        });
        if (unused.isEmpty()) {
            return;
        }
        valueGc.writeLock().lock();
        try {
            Set<Hash> now = new HashSet<>();
            entries.values().forEach(e -> now.add(e.m.valueHash()));
            unused.removeIf(now::contains);
            store.deleteValues(unused);
            values.invalidateAll(unused);
        } finally {
            valueGc.writeLock().unlock();
        }
        log.debug("server {} dropped {} unused values", me, unused.size());
    }

    @Override
    public void close() {
        running = false;
        reconcileSignal.release(); // the reconciler waits for a signal; without one it would never end
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(Conn::close);
        for (Peer p : peers) {
            if (p != null) {
                p.closeAll();
            }
        }
        store.close();
    }
}
