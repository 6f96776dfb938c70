package io.isohost.cache;

import io.isohost.cache.internal.Buf;
import io.isohost.cache.internal.Conn;
import io.isohost.cache.internal.Hash;
import io.isohost.cache.internal.Ordering;
import io.isohost.cache.internal.Proto;
import io.isohost.cache.TriadException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection to a triad from any host: routes each key to its acting owner, follows redirects, retries
 * through failover with the same request id (so a retry after a lost answer is recognised as a duplicate),
 * and listens for lease revocations. Thread-safe; one per host is enough.
 */
public final class TriadClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TriadClient.class);
    private static final int CONNECT_MS = 1000;
    /** Above the servers' default 2 s replication timeout, so a frozen server is left after 3 s. */
    private static final int READ_MS = 3000;
    /** How long a lone caller polls for the answer before it sleeps: a get takes ~40 µs, a put ~150 µs on loopback. */
    private static final long SPIN_NANOS = 250_000;

    /** What one server says of itself. */
    public record Status(boolean ready, long epoch, int index, int liveMask, int entries) {
    }

    record Reply(int status, Buf.In in, int server) {
    }

    private final List<InetSocketAddress> members;
    private final byte[] secret;
    private final Duration timeout;
    private final InstantSource clock;
    private final long clientId;
    private final AtomicLong seq = new AtomicLong();
    private final List<ConcurrentLinkedDeque<Conn>> pools = new ArrayList<>();
    private final long[] downUntil;
    private final boolean[] subscribed;
    private final Map<String, CacheClient> caches = new ConcurrentHashMap<>();
    private final List<Conn> subscriptions = new ArrayList<>();
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    private TriadClient(List<InetSocketAddress> members, byte[] secret, Duration timeout, InstantSource clock) {
        if (members.size() != 1 && members.size() != 3) {
            throw new IllegalArgumentException("a triad has 1 or 3 members, not " + members.size());
        }
        this.members = List.copyOf(members);
        this.secret = secret.clone();
        this.timeout = timeout;
        this.clock = clock;
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        this.clientId = id;
        this.downUntil = new long[members.size()];
        this.subscribed = new boolean[members.size()];
        for (int i = 0; i < members.size(); i++) {
            pools.add(new ConcurrentLinkedDeque<>());
            subscriptions.add(null);
            int idx = i;
            Thread.ofPlatform().daemon().name("triad-client-leases-" + i).start(() -> listen(idx));
        }
    }

    /** Members in the triad's fixed order, the cluster secret, and how long one operation may take through failover. */
    public static TriadClient connect(List<InetSocketAddress> members, byte[] secret, Duration timeout) {
        return connect(members, secret, timeout, InstantSource.system());
    }

    /**
     * As {@link #connect(List, byte[], Duration)}, with the clock near copies expire by; it must agree with the
     * servers' (tests give both the same controllable one).
     */
    public static TriadClient connect(List<InetSocketAddress> members, byte[] secret, Duration timeout, InstantSource clock) {
        return new TriadClient(members, secret, timeout, clock);
    }

    public static TriadClient connect(List<InetSocketAddress> members, byte[] secret) {
        return connect(members, secret, Duration.ofSeconds(10));
    }

    /** A client for the triad a server configuration describes. */
    public static TriadClient connect(TriadConfig cfg) {
        return connect(cfg, InstantSource.system());
    }

    public static TriadClient connect(TriadConfig cfg, InstantSource clock) {
        return connect(cfg.members().stream().map(TriadConfig.Member::address).toList(), cfg.secret(), Duration.ofSeconds(10), clock);
    }

    InstantSource clock() {
        return clock;
    }

    public long clientId() {
        return clientId;
    }

    public int memberCount() {
        return members.size();
    }

    /** A named cache with the settings the triad declares for it. */
    public CacheClient cache(String name) {
        CacheClient c = caches.get(name);
        if (c != null) {
            return c;
        }
        Buf.In in = any(new Buf().u8(Proto.CACHE_INFO).str(name));
        in.u8();
        CacheConfig cfg = new CacheConfig(name, CacheConfig.duration(in.i64()), CacheConfig.duration(in.i64()),
                CacheConfig.duration(in.i64()), Duration.ofMillis(in.i64()), in.i32());
        return cache(cfg);
    }

    /** A named cache with settings chosen by this client (the triad must still know the name). */
    public CacheClient cache(CacheConfig cfg) {
        return caches.computeIfAbsent(cfg.name(), n -> new CacheClient(this, cfg));
    }

    /** Whether the triad names this cache in its configuration (not merely accepts undeclared names). */
    public boolean isDeclared(String name) {
        return any(new Buf().u8(Proto.CACHE_INFO).str(name)).u8() == 1;
    }

    public Status status(int member) throws IOException {
        Buf.In in = call(member, new Buf().u8(Proto.STATUS));
        int s = in.u8();
        if (s != Proto.OK) {
            throw new IOException("status answer " + s);
        }
        return new Status(in.u8() == 1, in.i64(), in.i32(), in.i32(), in.i32());
    }

    /** Asks every server to push the changes other clients make to {@code cache}. */
    void watch(String cache) {
        if (!watched.add(cache)) {
            return;
        }
        synchronized (subscriptions) {
            for (Conn c : subscriptions) {
                if (c != null) {
                    try {
                        c.send(new Buf().u8(Proto.WATCH).str(cache));
                    } catch (IOException e) {
                        c.close(); // the listener reconnects and watches again
                    }
                }
            }
        }
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    boolean isSubscribed(int server) {
        return subscribed[server];
    }

    /** Sends to the key's acting owner, following redirects and retrying through failover until the timeout. */
    Reply request(Hash keyHash, Buf payload) {
        int n = members.size();
        int[] order = Ordering.order(Ordering.slot(keyHash, n), n);
        int target = firstUp(order);
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 1;
        int redirects = 0;
        int refused = 0;
        Exception last = null;
        while (open) {
            try {
                Buf.In in = call(target, payload);
                int s = in.u8();
                switch (s) {
                    case Proto.NOT_OWNER -> {
                        int hint = in.i32();
                        if (hint >= 0 && hint < n && hint != target && !isDown(hint) && redirects++ < 3) {
                            target = hint;
                            continue;
                        }
                        target = firstUp(order);
                    }
                    case Proto.RETRY -> {
                    }
                    case Proto.ERROR -> throw serverError(in);
                    default -> {
                        return new Reply(s, in, target);
                    }
                }
            } catch (IOException e) {
                last = e;
                downUntil[target] = System.nanoTime() + 300_000_000L;
                target = nextUp(order, target);
            } catch (TriadException e) {
                refused = refusedBy(e, target, refused);
                last = e;
                downUntil[target] = System.nanoTime() + 300_000_000L;
                target = nextUp(order, target);
            }
            if (System.nanoTime() > deadline) {
                throw new TriadException(Code.UNAVAILABLE, "no triad server took the request within " + timeout
                        + (last == null ? "" : " (last failure: " + last + ")"));
            }
            LockSupport.parkNanos(backoff * 1_000_000);
            backoff = Math.min(backoff * 2, 50);
            redirects = 0;
        }
        throw new TriadException(Code.UNAVAILABLE, "client closed");
    }

    /**
     * A member whose hello or frame failed authentication holds another secret: the others may still serve.
     * Only when every member refused is it the caller's error. Returns the members that refused so far.
     */
    private int refusedBy(TriadException e, int member, int refused) {
        if (e.code() != Code.AUTH) {
            throw e;
        }
        int now = refused | 1 << member;
        if (now == (1 << members.size()) - 1) {
            throw e;
        }
        log.warn("triad member {} refused this client: {}", members.get(member), e.getMessage());
        return now;
    }

    /** Any server will do (cache settings, key lists): the first that answers. */
    Buf.In any(Buf payload) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int target = 0;
        long backoff = 1;
        int refused = 0;
        while (true) {
            try {
                Buf.In in = call(target, payload);
                int s = in.u8();
                if (s == Proto.OK) {
                    return in;
                }
                if (s == Proto.ERROR) {
                    throw serverError(in);
                }
            } catch (IOException e) {
                downUntil[target] = System.nanoTime() + 300_000_000L;
            } catch (TriadException e) {
                refused = refusedBy(e, target, refused);
                downUntil[target] = System.nanoTime() + 300_000_000L;
            }
            target = (target + 1) % members.size();
            if (System.nanoTime() > deadline) {
                throw new TriadException(Code.UNAVAILABLE, "no triad server answered within " + timeout);
            }
            LockSupport.parkNanos(backoff * 1_000_000);
            backoff = Math.min(backoff * 2, 50);
        }
    }

    /** Asks every member; the answers of those that are up and ready (at least one, within the timeout). */
    List<Buf.In> all(Buf payload) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int refused = 0;
        while (true) {
            List<Buf.In> out = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                try {
                    Buf.In in = call(i, payload);
                    int s = in.u8();
                    if (s == Proto.OK) {
                        out.add(in);
                    } else if (s == Proto.ERROR) {
                        throw serverError(in);
                    }
                } catch (IOException e) {
                    downUntil[i] = System.nanoTime() + 300_000_000L;
                } catch (TriadException e) {
                    if ((refused & 1 << i) == 0) {
                        refused = refusedBy(e, i, refused);
                    }
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new TriadException(Code.UNAVAILABLE, "no triad server answered within " + timeout);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private static TriadException serverError(Buf.In in) {
        int code = in.u8();
        Code[] codes = Code.values();
        return new TriadException(code < codes.length ? codes[code] : Code.INTERNAL, in.str());
    }

    private boolean isDown(int i) {
        return downUntil[i] - System.nanoTime() > 0;
    }

    private int firstUp(int[] order) {
        for (int i : order) {
            if (!isDown(i)) {
                return i;
            }
        }
        return order[0];
    }

    private int nextUp(int[] order, int after) {
        int pos = 0;
        while (order[pos] != after) {
            pos++;
        }
        for (int k = 1; k <= order.length; k++) {
            int i = order[(pos + k) % order.length];
            if (!isDown(i)) {
                return i;
            }
        }
        return order[(pos + 1) % order.length];
    }

    private Buf.In call(int member, Buf payload) throws IOException {
        ConcurrentLinkedDeque<Conn> pool = pools.get(member);
        Conn c = pool.pollFirst();
        if (c == null) {
            c = Conn.connect(members.get(member), secret, CONNECT_MS, Integer.MAX_VALUE - 64);
            c.timeout(READ_MS);
        }
        try {
            Buf.In in = c.call(payload, SPIN_NANOS);
            pool.offerFirst(c);
            return in;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Keeps a subscription open to one server; while it is broken, no lease that server granted is trusted. */
    private void listen(int member) {
        while (open) {
            Conn c = null;
            try {
                c = Conn.connect(members.get(member), secret, CONNECT_MS, 1 << 16);
                synchronized (subscriptions) {
                    if (!open) {
                        c.close();
                        return;
                    }
                    subscriptions.set(member, c);
                }
                c.send(new Buf().u8(Proto.SUBSCRIBE).i64(clientId));
                if (new Buf.In(c.receive()).u8() != Proto.OK) {
                    throw new IOException("subscription refused");
                }
                synchronized (subscriptions) {
                    for (String cache : watched) {
                        c.send(new Buf().u8(Proto.WATCH).str(cache));
                    }
                }
                subscribed[member] = true;
                while (open) {
                    Buf.In in = new Buf.In(c.receive());
                    int op = in.u8();
                    if (op == Proto.LEASES_RESET) {
                        caches.values().forEach(CacheClient::dropLeases);
                        c.send(new Buf().u8(Proto.ACK).i64(in.i64()));
                        continue;
                    }
                    CacheClient cache = caches.get(in.str());
                    if (op == Proto.LEASE_REVOKED) {
                        Hash kh = new Hash(in.raw(32));
                        if (cache != null) {
                            cache.revoked(kh);
                        }
                        c.send(new Buf().u8(Proto.ACK).i64(in.i64()));
                    } else if (op == Proto.CHANGED && cache != null) {
                        cache.changed(in.bytes(), in.u8(), in.bytes(), in.bytes());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (subscribed[member]) {
                    subscribed[member] = false;
                    caches.values().forEach(CacheClient::dropLeases);
                    log.debug("lease subscription to member {} broke: {}", member, e.toString());
                }
            } finally {
                if (c != null) {
                    c.close();
                }
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    @Override
    public void close() {
        open = false;
        synchronized (subscriptions) {
            subscriptions.forEach(c -> {
                if (c != null) {
                    c.close();
                }
            });
        }
        for (ConcurrentLinkedDeque<Conn> pool : pools) {
            Conn c;
            while ((c = pool.pollFirst()) != null) {
                c.close();
            }
        }
    }
}
