package io.isohost.cache;

import io.isohost.cache.internal.Hash;
import io.isohost.cache.internal.Ordering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clients take turns reading and writing one key, with near caches that trust a copy only under a lease
 * (local read timeout 0): every read sees the latest acknowledged write, also while the key's owner goes away,
 * because a write waits until the lease holder confirms the revocation and a server taking keys over has
 * every client drop its leases first. (With a local read timeout, a near copy may be that much older.)
 */
class ReadYourWritesTest {
    @TempDir
    Path dir;

    @Test
    void aClientReadsItsOwnWritesThroughFailover() throws Exception {
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of("s", CacheConfig.of("s").withLocalReadTimeout(java.time.Duration.ZERO)), false);
        List<TriadServer> servers = new ArrayList<>(TriadTesting.startAll(cfg));
        try (TriadClient writer = TriadClient.connect(cfg); TriadClient other = TriadClient.connect(cfg)) {
            CacheClient w = writer.cache("s");
            CacheClient o = other.cache("s");
            byte[] key = "session".getBytes(StandardCharsets.UTF_8);
            int owner = Ordering.order(Ordering.slot(Hash.ofKey("s", key), 3), 3)[0];
            for (int i = 1; i <= 300; i++) {
                if (i == 150) {
                    servers.get(owner).close();
                    servers.set(owner, null);
                }
                CacheClient c = i % 3 == 0 ? o : w; // two hosts take turns, as two web servers would
                byte[] before = c.get(key);
                long n = before == null ? 0 : Long.parseLong(new String(before, StandardCharsets.UTF_8));
                assertEquals(i - 1, n, "write " + (i - 1) + " is visible to the next reader");
                c.put(key, Long.toString(n + 1).getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(w.localHits() > 50, "the lease holder read locally: " + w.localHits());
        } finally {
            TriadTesting.closeAll(servers);
        }
    }
}
