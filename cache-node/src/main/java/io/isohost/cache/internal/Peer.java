package io.isohost.cache.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedDeque;

/** Another triad server as this one sees it: liveness, its current ownership epoch, the epoch it fenced, connections. */
final class Peer {
    final int index;
    final InetSocketAddress address;
    private final byte[] secret;
    private final int maxFrame;
    private final ConcurrentLinkedDeque<Conn> pool = new ConcurrentLinkedDeque<>();
    /** Live and ready: takes part in ownership. */
    volatile boolean live;
    volatile long epoch;
    /** Messages carrying this epoch or an older one are refused: the peer was declared dead in it. */
    volatile long fenced;

    Peer(int index, InetSocketAddress address, byte[] secret, int maxFrame) {
        this.index = index;
        this.address = address;
        this.secret = secret;
        this.maxFrame = maxFrame;
    }

    Conn open(int timeoutMs) throws IOException {
        return Conn.connect(address, secret, timeoutMs, maxFrame);
    }

    /** One request and its answer over a pooled connection, bounded by {@code timeoutMs}. */
    Buf.In call(Buf request, int timeoutMs) throws IOException {
        Conn c = pool.pollFirst();
        if (c == null) {
            c = open(timeoutMs);
        }
        try {
            c.timeout(timeoutMs);
            Buf.In in = c.call(request);
            pool.offerFirst(c);
            return in;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A pooled connection for a caller that sends and receives on it itself; return it with {@link #giveBack}. */
    Conn borrow(int timeoutMs) throws IOException {
        Conn c = pool.pollFirst();
        if (c == null) {
            c = open(timeoutMs);
        }
        c.timeout(timeoutMs);
        return c;
    }

    void giveBack(Conn c) {
        pool.offerFirst(c);
    }

    void closeAll() {
        Conn c;
        while ((c = pool.pollFirst()) != null) {
            c.close();
        }
    }
}
