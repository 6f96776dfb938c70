package io.isohost.cache;

import io.isohost.testing.Waits;
import io.isohost.cache.internal.Buf;
import io.isohost.cache.internal.Conn;
import io.isohost.cache.internal.Hash;
import io.isohost.cache.internal.MNode;
import io.isohost.cache.internal.Ordering;
import io.isohost.cache.internal.Proto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A retry after a lost answer, to the same owner or to the server that took over, is recognised by its request id. */
class DuplicateRequestTest {
    @TempDir
    Path dir;

    /** A putIfAbsent as CacheClient sends it, with a fixed request id. */
    static Buf putIfAbsent(long client, long seq, byte[] key, byte[] value) {
        return new Buf().u8(Proto.WRITE).i64(client).i64(seq).str("c").bytes(key).u8(Proto.IF_ABSENT)
                .raw(Hash.ZERO.bytes()).u8(0).bytes(value).i64(-1).i64(-1).i64(-1);
    }

    record Answer(boolean applied, long version) {
    }

    static Answer send(TriadConfig cfg, int member, Buf request) throws Exception {
        try (Conn c = Conn.connect(cfg.members().get(member).address(), cfg.secret(), 2000, 1 << 20)) {
            Buf.In in = c.call(request);
            assertEquals(Proto.OK, in.u8());
            boolean applied = in.u8() == 1;
            return new Answer(applied, MNode.read(in).version());
        }
    }

    @Test
    void aRetriedWriteIsAppliedOnceEvenAfterFailover() throws Exception {
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of("c", CacheConfig.of("c")), false);
        List<TriadServer> servers = new ArrayList<>(TriadTesting.startAll(cfg));
        try {
            byte[] key = "k".getBytes(StandardCharsets.UTF_8);
            int[] order = Ordering.order(Ordering.slot(Hash.ofKey("c", key), 3), 3);
            TriadTesting.awaitLive(cfg, 0b111);
            Buf req = putIfAbsent(42, 1, key, "first".getBytes(StandardCharsets.UTF_8));
            Answer first = send(cfg, order[0], req);
            assertEquals(true, first.applied());
            assertEquals(first, send(cfg, order[0], req), "the same owner answers the retry as the first time");

            servers.get(order[0]).close(); // the owner dies after answering; say the answer was lost
            servers.set(order[0], null);
            var afterFailover = new java.util.concurrent.atomic.AtomicReference<Answer>();
            Waits.await("the backup serves after the failover").until(() -> {
                try (Conn c = Conn.connect(cfg.members().get(order[1]).address(), cfg.secret(), 2000, 1 << 20)) {
                    Buf.In in = c.call(req);
                    if (in.u8() != Proto.OK) {
                        return false; // not yet serving: failover in progress
                    }
                    afterFailover.set(new Answer(in.u8() == 1, MNode.read(in).version()));
                    return true;
                }
            });
            assertEquals(first, afterFailover.get(), "the backup that took over recognises the retry");
            Answer other = send(cfg, order[1], putIfAbsent(42, 2, key, "second".getBytes(StandardCharsets.UTF_8)));
            assertEquals(false, other.applied(), "a new request is a new putIfAbsent");
            try (TriadClient client = TriadClient.connect(cfg)) {
                assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), client.cache("c").get(key));
            }
        } finally {
            TriadTesting.closeAll(servers);
        }
    }
}
