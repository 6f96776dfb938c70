package io.isohost.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member that lost its disk comes back with a fresh boot count, below the epoch the others fenced, and recovers. */
class RejoinTest {
    @TempDir
    Path dir;

    @Test
    void aMemberThatLostItsDiskRejoinsAndGetsItsEntriesBack() throws Exception {
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of("c", CacheConfig.of("c").withNearCacheEntries(0)), false);
        List<TriadServer> servers = new ArrayList<>(TriadTesting.startAll(cfg));
        try (TriadClient client = TriadClient.connect(cfg)) {
            CacheClient c = client.cache("c");
            for (int i = 0; i < 100; i++) {
                c.put(("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            // restart member a a few times so the others fence an epoch with a high boot count
            for (int round = 0; round < 3; round++) {
                servers.get(0).close();
                TriadTesting.awaitLive(cfg, 0b110);
                servers.set(0, TriadTesting.start(cfg, 0));
                assertTrue(servers.get(0).awaitReady(Duration.ofSeconds(20)));
            }
            servers.get(0).close();
            TriadTesting.awaitLive(cfg, 0b110); // the others see it down and fence its epoch
            try (Stream<Path> files = Files.walk(dir.resolve("a"))) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            servers.set(0, TriadTesting.start(cfg, 0));
            assertTrue(servers.get(0).awaitReady(Duration.ofSeconds(20)), "the member with a new disk became ready");
            assertTrue(servers.get(0).entryCount() >= 100, "it pulled the entries back: " + servers.get(0).entryCount());
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(("v" + i).getBytes(StandardCharsets.UTF_8), c.get(("k" + i).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            TriadTesting.closeAll(servers);
        }
    }
}
