package io.isohost.cache;

import io.isohost.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault test: three triad servers as real child JVMs on loopback, concurrent writers, and a nemesis that,
 * run after run, kills one server with SIGKILL at a random moment and restarts it, or (every fourth run)
 * freezes it with SIGSTOP past the failure timeout and thaws it, so the others fence it while it still
 * believes it owns its keys. Afterwards every acknowledged write must be readable with its value (or with a
 * later value its writer tried). Twenty runs here; {@code -Dfault.runs=100} (bench/cache/run.sh --fault)
 * for the long form.
 */
class FaultTest {
    static final int WRITERS = 4;
    static final int KEYS_PER_WRITER = 16;

    @TempDir
    Path dir;

    /** Per key: the last write acknowledged, and the last one tried (which may or may not have landed). */
    record Track(AtomicLong acked, AtomicLong tried) {
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void noAcknowledgedWriteIsLostWhenServersAreKilled() throws Exception {
        int runs = Integer.getInteger("fault.runs", 20);
        long seed = Long.getLong("fault.seed", System.nanoTime());
        Random random = new Random(seed);
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of("fault", CacheConfig.of("fault").withNearCacheEntries(0)), false);
        Process[] procs = new Process[3];
        Path[] files = new Path[3];
        for (int i = 0; i < 3; i++) {
            files[i] = TriadTesting.writeXml(cfg, cfg.members().get(i).id());
            procs[i] = launch(files[i], i, 0);
        }
        Map<String, Track> tracks = new ConcurrentHashMap<>();
        long acked = 0;
        long failed = 0;
        int pauses = 0;
        try (TriadClient client = TriadClient.connect(cfg.members().stream().map(TriadConfig.Member::address).toList(),
                cfg.secret(), Duration.ofSeconds(15))) {
            awaitReady(client, 0, 1, 2);
            CacheClient cache = client.cache("fault");
            for (int run = 1; run <= runs; run++) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong ok = new AtomicLong();
                AtomicLong bad = new AtomicLong();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    String prefix = "r" + run + "-w" + w + "-k";
                    writers.add(Thread.ofPlatform().start(() -> write(cache, prefix, tracks, stop, ok, bad)));
                }
                Thread.sleep(100 + random.nextInt(400));
                int victim = random.nextInt(3);
                if (run % 4 == 0) {
                    signal(procs[victim], "STOP");
                    Thread.sleep(1200 + random.nextInt(600)); // past the 1 s failure timeout
                    signal(procs[victim], "CONT");
                    awaitReady(client, victim);
                    pauses++;
                } else {
                    procs[victim].destroyForcibly().waitFor();
                    Thread.sleep(random.nextInt(500));
                    procs[victim] = launch(files[victim], victim, run);
                    awaitReady(client, victim);
                }
                Thread.sleep(100 + random.nextInt(300));
                stop.set(true);
                for (Thread t : writers) {
                    t.join();
                }
                acked += ok.get();
                failed += bad.get();
                assertTrue(ok.get() > 0, "run " + run + ": writes went through");
            }
            // every key of every run, read through a fresh client with no near cache
            try (TriadClient reader = TriadClient.connect(cfg.members().stream().map(TriadConfig.Member::address).toList(),
                    cfg.secret(), Duration.ofSeconds(15))) {
                CacheClient r = reader.cache(CacheConfig.of("fault").withNearCacheEntries(0));
                List<String> lost = new ArrayList<>();
                for (Map.Entry<String, Track> e : tracks.entrySet()) {
                    long a = e.getValue().acked.get();
                    long t = e.getValue().tried.get();
                    byte[] v = r.get(e.getKey().getBytes(StandardCharsets.UTF_8));
                    long got = v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
                    if (got < a || got > t) {
                        lost.add(e.getKey() + ": acknowledged " + a + ", tried up to " + t + ", read " + got);
                    }
                }
                System.out.printf("fault test: %d runs (%d freezes), seed %d, %d keys, %d acknowledged writes, %d failed writes, %d lost%n",
                        runs, pauses, seed, tracks.size(), acked, failed, lost.size());
                assertEquals(List.of(), lost, "acknowledged writes lost (seed " + seed + ")");
            }
        } finally {
            for (Process p : procs) {
                if (p != null) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static void write(CacheClient cache, String prefix, Map<String, Track> tracks, AtomicBoolean stop,
                              AtomicLong ok, AtomicLong bad) {
        long seq = 0;
        while (!stop.get()) {
            seq++;
            String key = prefix + (seq % KEYS_PER_WRITER);
            Track t = tracks.computeIfAbsent(key, k -> new Track(new AtomicLong(), new AtomicLong()));
            t.tried.set(seq);
            try {
                cache.put(key.getBytes(StandardCharsets.UTF_8), Long.toString(seq).getBytes(StandardCharsets.UTF_8));
                t.acked.set(seq);
                ok.incrementAndGet();
            } catch (TriadException e) {
                bad.incrementAndGet();
            }
        }
    }

    static void signal(Process p, String sig) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
        assertEquals(0, rc, "kill -" + sig);
    }

    static Process launch(Path config, int index, int run) throws IOException {
        Path log = config.resolveSibling("server-" + index + "-" + run + ".log");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                TriadMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitReady(TriadClient client, int... members) {
        for (int m : members) {
            Waits.await("triad server " + m + " ready", java.time.Duration.ofSeconds(60)).ignoreExceptions() // not up yet
                    .until(() -> client.status(m).ready());
        }
    }
}
