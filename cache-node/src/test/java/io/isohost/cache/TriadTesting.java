package io.isohost.cache;

import io.isohost.testing.FreePorts;
import io.isohost.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test triads on loopback: configurations with free ports, in-process servers, and XML files for child processes. */
public final class TriadTesting {
    public static final byte[] SECRET = "test-cluster-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

    private TriadTesting() {
    }

    public static TriadConfig config(int members, Path dir, Map<String, CacheConfig> caches, boolean undeclared) {
        List<TriadConfig.Member> ms = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ms.add(new TriadConfig.Member(String.valueOf((char) ('a' + i)), "127.0.0.1", FreePorts.port()));
        }
        return new TriadConfig("a", ms, dir.resolve("a"), SECRET, 1024, 64 * 1024, Duration.ofMillis(50),
                Duration.ofSeconds(1), false, caches, undeclared, null, TriadConfig.DEFAULT_AUTH_TIMEOUT,
                TriadConfig.DEFAULT_MAX_UNAUTHENTICATED);
    }

    /** {@code cfg} with other bounds on connections that have not authenticated yet. */
    public static TriadConfig withConnectionLimits(TriadConfig cfg, Duration authTimeout, int maxUnauthenticated) {
        return new TriadConfig(cfg.serverId(), cfg.members(), cfg.dataDir(), cfg.secret(), cfg.maxKeyBytes(), cfg.maxValueBytes(),
                cfg.heartbeat(), cfg.failureTimeout(), cfg.fsync(), cfg.caches(), cfg.allowUndeclaredCaches(), cfg.repository(),
                authTimeout, maxUnauthenticated);
    }

    public static List<TriadServer> startAll(TriadConfig cfg) throws Exception {
        return startAll(cfg, InstantSource.system());
    }

    /** Every member of {@code cfg}, in this process, on one clock. */
    public static List<TriadServer> startAll(TriadConfig cfg, InstantSource clock) throws Exception {
        List<TriadServer> out = new ArrayList<>();
        for (TriadConfig.Member m : cfg.members()) {
            out.add(TriadServer.start(cfg.withServer(m.id(), cfg.dataDir().resolveSibling(m.id())), clock));
        }
        for (TriadServer s : out) {
            if (!s.awaitReady(Duration.ofSeconds(20))) {
                throw new IllegalStateException("triad server did not become ready");
            }
        }
        return out;
    }

    /** Waits until every member in {@code liveMask} is running and sees exactly the others of {@code liveMask} live. */
    public static void awaitLive(TriadConfig cfg, int liveMask) {
        try (TriadClient client = TriadClient.connect(cfg)) {
            for (int i = 0; i < cfg.members().size(); i++) {
                if ((liveMask & (1 << i)) != 0) {
                    int member = i;
                    Waits.await("member " + member + " sees live members " + Integer.toBinaryString(liveMask))
                            .ignoreExceptions().until(() -> client.status(member).liveMask() == (liveMask & ~(1 << member)));
                }
            }
        }
    }

    public static TriadServer start(TriadConfig cfg, int member) throws Exception {
        TriadConfig.Member m = cfg.members().get(member);
        return TriadServer.start(cfg.withServer(m.id(), cfg.dataDir().resolveSibling(m.id())));
    }

    public static void closeAll(List<TriadServer> servers) {
        for (TriadServer s : servers) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The XML form of {@code cfg} for member {@code id}, written next to the data directories. */
    public static Path writeXml(TriadConfig cfg, String id) throws IOException {
        Path base = cfg.dataDir().getParent();
        Files.createDirectories(base);
        Path secret = base.resolve("secret");
        Files.write(secret, cfg.secret());
        StringBuilder x = new StringBuilder("<triad xmlns=\"urn:isohost:triad:1\" server=\"" + id + "\">\n");
        for (TriadConfig.Member m : cfg.members()) {
            x.append("  <member id=\"").append(m.id()).append("\" address=\"").append(m.host()).append(':').append(m.port()).append("\"/>\n");
        }
        x.append("  <data-dir>").append(base.resolve(id)).append("</data-dir>\n");
        x.append("  <secret-file>secret</secret-file>\n");
        x.append("  <limits max-key-bytes=\"").append(cfg.maxKeyBytes()).append("\" max-value-bytes=\"").append(cfg.maxValueBytes())
                .append("\" max-unauthenticated-connections=\"").append(cfg.maxUnauthenticated()).append("\"/>\n");
        x.append("  <timing heartbeat=\"").append(cfg.heartbeat().toMillis()).append("ms\" failure-timeout=\"")
                .append(cfg.failureTimeout().toMillis()).append("ms\" auth-timeout=\"").append(cfg.authTimeout().toMillis())
                .append("ms\"/>\n");
        x.append("  <caches allow-undeclared=\"").append(cfg.allowUndeclaredCaches()).append("\">\n");
        for (CacheConfig c : cfg.caches().values()) {
            x.append("    <cache name=\"").append(c.name()).append("\" local-read-timeout=\"")
                    .append(c.localReadTimeout().toMillis()).append("ms\"/>\n");
        }
        x.append("  </caches>\n</triad>\n");
        Path file = base.resolve(id + ".xml");
        Files.writeString(file, x);
        return file;
    }
}
