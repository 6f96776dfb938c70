package io.isohost.cache;

import io.isohost.testing.Waits;
import io.isohost.cache.internal.Buf;
import io.isohost.cache.internal.Conn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriadCoreTest {
    @TempDir
    static Path dir;
    static TriadConfig cfg;
    static List<TriadServer> servers;
    static TriadClient client;

    @BeforeAll
    static void start() throws Exception {
        cfg = TriadTesting.config(3, dir, Map.of("c", CacheConfig.of("c"), "n", CacheConfig.of("n").withNearCacheEntries(0)), false);
        servers = TriadTesting.startAll(cfg);
        client = TriadClient.connect(cfg);
    }

    @AfterAll
    static void stop() {
        client.close();
        TriadTesting.closeAll(servers);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetRemoveAndConditions() {
        CacheClient c = client.cache("c");
        assertNull(c.get(b("k1")));
        c.put(b("k1"), b("v1"));
        assertArrayEquals(b("v1"), c.get(b("k1")));
        long v1 = c.getVersioned(b("k1")).version();
        c.put(b("k1"), b("v2"));
        assertTrue(c.getVersioned(b("k1")).version() > v1, "the owner gives each write a higher version");
        assertFalse(c.putIfAbsent(b("k1"), b("x")));
        assertTrue(c.putIfAbsent(b("k2"), b("x")));
        assertFalse(c.replace(b("k1"), b("wrong"), b("v3")));
        assertTrue(c.replace(b("k1"), b("v2"), b("v3")));
        assertArrayEquals(b("v3"), c.getAndPut(b("k1"), b("v4")));
        assertTrue(c.remove(b("k1"), b("v4")));
        assertFalse(c.remove(b("k1")));
        assertNull(c.get(b("k1")));
        assertTrue(c.keys().stream().anyMatch(k -> new String(k, StandardCharsets.UTF_8).equals("k2")));
    }

    @Test
    void everyServerHoldsTheEntryAndAnotherClientSeesIt() throws Exception {
        CacheClient c = client.cache("n");
        for (int i = 0; i < 50; i++) {
            c.put(b("key" + i), b("value" + i));
        }
        try (TriadClient other = TriadClient.connect(cfg)) {
            CacheClient o = other.cache("n");
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(b("value" + i), o.get(b("key" + i)));
            }
        }
        for (TriadServer s : servers) { // the third copy is asynchronous
            Waits.await("each server holds a copy of the 50 entries").until(() -> s.entryCount() >= 50);
        }
    }

    @Test
    void thirdCopiesAppliedInBatchesEndEqualOnEveryServer() throws Exception {
        // quick successive writes of a few keys: their third copies share batches, a key comes twice in one, and a
        // copy that keeps the value carries only the m-node, its value in an earlier copy of the same batch
        CacheClient c = client.cache("n");
        for (int round = 0; round < 30; round++) {
            for (int k = 0; k < 3; k++) {
                byte[] key = b("batch" + k);
                c.put(key, b("a" + round % 2));
                c.put(key, b("a" + round % 2));
                if (round % 3 == 1) {
                    c.put(key, b("b" + round));
                }
                if (round % 5 == 4) {
                    c.remove(key);
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            c.put(b("batch" + k), b("final" + k));
            c.put(b("batch" + k), b("final" + k));
        }
        for (int k = 0; k < 3; k++) {
            byte[] key = b("batch" + k);
            io.isohost.cache.internal.Hash want = io.isohost.cache.internal.Hash.ofValue(b("final" + k));
            assertArrayEquals(b("final" + k), c.get(key));
            Waits.await("every server holds and stores the final value of batch" + k).untilAsserted(() -> {
                List<io.isohost.cache.internal.MNode> held = new java.util.ArrayList<>();
                boolean stored = true;
                for (TriadServer s : servers) {
                    held.add(s.held("n", key));
                    stored &= s.storesValue(want);
                }
                boolean same = held.stream().allMatch(m -> m != null && !m.removed() && m.valueHash().equals(want)
                        && m.version() == held.getFirst().version());
                assertTrue(same && stored, "servers hold " + held + ", values stored: " + stored);
            });
        }
    }

    @Test
    void concurrentWritersOnEveryOwnerDoNotStall() throws Exception {
        // owners replicating to each other at once must not wait on each other's locks (a distributed deadlock
        // would show as a write taking the replication timeout)
        CacheClient c = client.cache("n");
        java.util.concurrent.atomic.AtomicLong worst = new java.util.concurrent.atomic.AtomicLong();
        java.util.List<Thread> ts = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int base = t * 1_000_003;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 400; i++) {
                    long t0 = System.nanoTime();
                    c.put(b("c" + ((base + i) % 5000)), b("v" + i));
                    worst.accumulateAndGet(System.nanoTime() - t0, Math::max);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        // a deadlock costs at least the 1 s replication timeout per round; it showed as writes of 10 s and more
        assertTrue(worst.get() < 3_000_000_000L, "slowest write took " + worst.get() / 1_000_000 + " ms");
    }

    @Test
    void limitsAndUnknownCacheAreClearErrorsAndChangeNothing() {
        CacheClient c = client.cache("c");
        TriadException big = assertThrows(TriadException.class, () -> c.put(b("big"), new byte[64 * 1024 + 1]));
        assertEquals(TriadException.Code.TOO_LARGE, big.code());
        assertTrue(big.getMessage().contains("over the limit"), big.getMessage());
        assertEquals(TriadException.Code.TOO_LARGE, assertThrows(TriadException.class, () -> c.put(new byte[1025], b("v"))).code());
        assertNull(c.get(b("big")));
        TriadException unknown = assertThrows(TriadException.class, () -> client.cache("nope"));
        assertEquals(TriadException.Code.UNKNOWN_CACHE, unknown.code());
        CacheClient forced = client.cache(CacheConfig.of("nope"));
        assertEquals(TriadException.Code.UNKNOWN_CACHE, assertThrows(TriadException.class, () -> forced.put(b("k"), b("v"))).code());
    }

    @Test
    void wrongSecretIsRefused() {
        byte[] wrong = "another-secret-entirely-0000".getBytes(StandardCharsets.US_ASCII);
        try (TriadClient bad = TriadClient.connect(List.of(cfg.members().getFirst().address()), wrong, Duration.ofSeconds(2))) {
            TriadException e = assertThrows(TriadException.class, () -> bad.cache("c"));
            assertEquals(TriadException.Code.AUTH, e.code());
            assertTrue(e.getMessage().contains("cluster secret"), e.getMessage());
        }
    }

    @Test
    void aMemberWithAnotherSecretIsLeftOutAndTheOthersServe(@TempDir Path other) throws Exception {
        TriadConfig good = TriadTesting.config(3, other, Map.of("c", CacheConfig.of("c")), false);
        byte[] wrong = "a-secret-nobody-else-holds-0000".getBytes(StandardCharsets.US_ASCII);
        List<TriadServer> triad = new java.util.ArrayList<>();
        try {
            triad.add(TriadTesting.start(good, 0));
            triad.add(TriadTesting.start(good, 1));
            TriadConfig.Member c = good.members().get(2);
            triad.add(TriadServer.start(new TriadConfig(c.id(), good.members(), other.resolve(c.id()), wrong, 1024, 64 * 1024,
                    good.heartbeat(), good.failureTimeout(), false, good.caches(), false, null, good.authTimeout(),
                    good.maxUnauthenticated())));
            for (TriadServer s : triad) {
                assertTrue(s.awaitReady(Duration.ofSeconds(20)));
            }
            try (TriadClient client = TriadClient.connect(good)) {
                CacheClient cache = client.cache("c");
                for (int i = 0; i < 30; i++) {
                    cache.put(b("k" + i), b("v" + i)); // keys owned by every member, c's included
                    assertArrayEquals(b("v" + i), cache.get(b("k" + i)));
                }
            }
        } finally {
            TriadTesting.closeAll(triad);
        }
    }

    @Test
    void corruptMessagesAreRefusedAndTheServerGoesOn() throws Exception {
        InetSocketAddress a = cfg.members().getFirst().address();
        try (Conn c = Conn.connect(a, TriadTesting.SECRET, 1000, 1 << 20)) {
            Buf.In in = c.call(new Buf().u8(2).i64(1)); // a write cut short
            assertEquals(9, in.u8());
            assertEquals(TriadException.Code.BAD_MESSAGE.ordinal(), in.u8());
            assertTrue(in.str().contains("corrupt message"));
        }
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            OutputStream out = s.getOutputStream();
            s.getInputStream().readNBytes(48); // hello
            out.write(new byte[]{0, 0, 0, 3, 1, 2, 3});
            out.write(new byte[32]); // a MAC that cannot be right
            out.flush();
            s.setSoTimeout(2000);
            s.getInputStream().readAllBytes(); // the server closes the connection
        }
        CacheClient c = client.cache("c");
        c.put(b("after"), b("fine"));
        assertArrayEquals(b("fine"), c.get(b("after")));
    }
}
