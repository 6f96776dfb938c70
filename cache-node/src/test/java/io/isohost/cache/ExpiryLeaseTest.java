package io.isohost.cache;

import io.isohost.testing.ManualClock;
import io.isohost.testing.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expire and idle timeouts, the local read timeout, and leases with their revocation. Servers and clients share a
 * {@link ManualClock}: expiry is reached by advancing it, not by sleeping.
 */
class ExpiryLeaseTest {
    @TempDir
    static Path dir;
    static final ManualClock clock = new ManualClock();
    static TriadConfig cfg;
    static List<TriadServer> servers;

    @BeforeAll
    static void start() throws Exception {
        cfg = TriadTesting.config(3, dir, Map.of(
                "expiring", CacheConfig.of("expiring").withExpireTimeout(Duration.ofMillis(800)),
                "idle", CacheConfig.of("idle").withIdleTimeout(Duration.ofMillis(700)),
                "leased", CacheConfig.of("leased").withLocalReadTimeout(Duration.ZERO),
                "unleased", CacheConfig.of("unleased").withLeaseTimeout(null).withLocalReadTimeout(Duration.ZERO),
                "local", CacheConfig.of("local").withLeaseTimeout(null).withLocalReadTimeout(Duration.ofMillis(1000))), false);
        servers = TriadTesting.startAll(cfg, clock);
    }

    @AfterAll
    static void stop() {
        TriadTesting.closeAll(servers);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEntryExpiresAfterItsExpireTimeout() throws Exception {
        try (TriadClient c = TriadClient.connect(cfg, clock); TriadClient other = TriadClient.connect(cfg, clock)) {
            CacheClient cache = c.cache("expiring");
            assertEquals(Duration.ofMillis(800), cache.config().expireTimeout(), "settings come from the triad");
            cache.put(b("k"), b("v"));
            assertArrayEquals(b("v"), cache.get(b("k")));
            assertArrayEquals(b("v"), other.cache("expiring").get(b("k")));
            clock.advance(Duration.ofMillis(1000));
            assertNull(cache.get(b("k")), "the near copy expires too");
            assertNull(other.cache("expiring").get(b("k")));
        }
    }

    @Test
    void expiredEntriesLeaveTheServersAndIdleOnesBecomeTombstones() throws Exception {
        // a triad of its own, so the other tests' entries do not count
        TriadConfig cfg = TriadTesting.config(3, dir.resolve("sweep"), ExpiryLeaseTest.cfg.caches(), false);
        List<TriadServer> servers = TriadTesting.startAll(cfg, clock);
        try (TriadClient c = TriadClient.connect(cfg, clock)) {
            for (int i = 0; i < 20; i++) {
                c.cache("expiring").put(b("gone" + i), b("v"));
            }
            c.cache("idle").put(b("idle-gone"), b("v"));
            Waits.await("every server holds the entries at first (the third copy is asynchronous)")
                    .until(() -> servers.stream().allMatch(s -> s.entryCount() >= 21));
            // past the expire timeout (0.8 s) and its 1 s grace, and the idle timeout (0.7 s); the sweep runs each second
            clock.advance(Duration.ofSeconds(2));
            Waits.await("expired entries dropped on every server, the idle one left as a tombstone")
                    .until(() -> servers.stream().allMatch(s -> s.entryCount() <= 1));
            assertNull(c.cache("idle").get(b("idle-gone")));
        } finally {
            TriadTesting.closeAll(servers);
        }
    }

    @Test
    void readsKeepAnIdleEntryAliveAndItExpiresWithoutThem() throws Exception {
        try (TriadClient c = TriadClient.connect(cfg, clock)) {
            CacheClient cache = c.cache("idle");
            cache.put(b("k"), b("v"));
            for (int i = 0; i < 8; i++) {
                clock.advance(Duration.ofMillis(150));
                assertArrayEquals(b("v"), cache.get(b("k")), "read " + i + " at " + (i + 1) * 150 + " ms");
            }
            clock.advance(Duration.ofMillis(1100));
            assertNull(cache.get(b("k")));
        }
    }

    @Test
    void theLocalReadTimeoutBoundsHowLongANearCopyIsTrusted() throws Exception {
        try (TriadClient a = TriadClient.connect(cfg, clock); TriadClient b = TriadClient.connect(cfg, clock)) {
            CacheClient ca = a.cache("local");
            CacheClient cb = b.cache("local");
            ca.put(b("k"), b("1"));
            assertArrayEquals(b("1"), ca.get(b("k")));
            cb.put(b("k"), b("2"));
            assertArrayEquals(b("1"), ca.get(b("k")), "within the local read timeout the near copy answers");
            Thread.sleep(1100);
            long before = ca.remoteReads();
            assertArrayEquals(b("2"), ca.get(b("k")), "after it, the client re-checks with the owner");
            assertEquals(before + 1, ca.remoteReads());
        }
    }

    @Test
    void aLeaseHolderReadsLocallyUntilAnotherClientsWriteRevokesIt() throws Exception {
        try (TriadClient a = TriadClient.connect(cfg, clock); TriadClient b = TriadClient.connect(cfg, clock)) {
            awaitSubscribed(a);
            CacheClient ca = a.cache("leased");
            CacheClient cb = b.cache("leased");
            ca.put(b("k"), b("1")); // the writer holds the lease (one holder per entry, as in Resin)
            assertArrayEquals(b("1"), ca.get(b("k")));
            long remote = ca.remoteReads();
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(b("1"), ca.get(b("k")));
            }
            assertEquals(remote, ca.remoteReads(), "with the lease, reads stay local even with a zero local read timeout");

            cb.put(b("k"), b("2"));
            Waits.await("the write revoked the lease and told its holder").until(() -> java.util.Arrays.equals(ca.get(b("k")), b("2")));
            assertTrue(ca.remoteReads() > remote);
        }
    }

    @Test
    void withoutALeaseEveryReadReChecksTheMNodeOnly() throws Exception {
        try (TriadClient a = TriadClient.connect(cfg, clock)) {
            CacheClient ca = a.cache("unleased");
            ca.put(b("k"), new byte[10_000]);
            long remote = ca.remoteReads();
            for (int i = 0; i < 10; i++) {
                ca.get(b("k"));
            }
            assertEquals(remote + 10, ca.remoteReads());
        }
    }

    private static void awaitSubscribed(TriadClient c) {
        for (int i = 0; i < c.memberCount(); i++) {
            int member = i;
            Waits.await("the client subscribed to member " + member).until(() -> c.isSubscribed(member));
        }
    }
}
