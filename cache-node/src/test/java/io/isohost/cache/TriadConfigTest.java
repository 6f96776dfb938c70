package io.isohost.cache;

import io.isohost.cache.repo.DeploymentRepository;
import org.eclipse.jgit.lib.ObjectId;
import io.isohost.testing.FreePorts;
import io.isohost.testing.HostileXml;
import io.isohost.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriadConfigTest {
    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return TriadMain.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void usageAndBadConfigurationsExitWithTwo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--help"));
        assertTrue(out.toString().contains("--config=FILE"), out.toString());
        assertEquals(2, run(out, err));
        assertEquals(2, run(out, err, "--bogus"));
        assertEquals(2, run(out, err, "--config", dir.resolve("missing.xml").toString()));
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, """
                <triad xmlns="urn:isohost:triad:1" server="a">
                  <member id="a" address="127.0.0.1:notaport"/>
                  <data-dir>data</data-dir>
                  <secret-file>secret</secret-file>
                </triad>
                """);
        err.reset();
        assertEquals(2, run(out, err, "--config", bad.toString()));
        assertTrue(err.toString().contains("bad.xml:2:"), err.toString());
    }

    @Test
    void readsEverySetting() throws Exception {
        Files.writeString(dir.resolve("secret"), "a-cluster-secret-of-enough-length\n");
        Files.writeString(dir.resolve("token"), "push-token\n");
        Path file = dir.resolve("triad.xml");
        Files.writeString(file, """
                <triad xmlns="urn:isohost:triad:1" server="b">
                  <member id="a" address="10.0.0.1:7701" repository-port="7711"/>
                  <member id="b" address="10.0.0.2:7701"/>
                  <member id="c" address="10.0.0.3:7701"/>
                  <data-dir fsync="true">data/b</data-dir>
                  <secret-file>secret</secret-file>
                  <limits max-key-bytes="100" max-value-bytes="2000" max-unauthenticated-connections="8"/>
                  <timing heartbeat="50ms" failure-timeout="3s" auth-timeout="750ms"/>
                  <repository token-file="token"/>
                  <caches>
                    <cache name="sessions" idle-timeout="30m" local-read-timeout="100ms"/>
                    <cache name="objects" expire-timeout="1h" lease-timeout="none" near-cache-entries="0"/>
                  </caches>
                </triad>
                """);
        TriadConfig c = TriadConfig.load(file);
        assertEquals(1, c.index());
        assertEquals(7711, c.members().getFirst().repositoryPort());
        assertEquals(dir.resolve("data/b"), c.dataDir());
        assertTrue(c.fsync());
        assertEquals("a-cluster-secret-of-enough-length", new String(c.secret()));
        assertEquals(100, c.maxKeyBytes());
        assertEquals(Duration.ofSeconds(3), c.failureTimeout());
        assertEquals(Duration.ofMillis(750), c.authTimeout());
        assertEquals(8, c.maxUnauthenticated());
        assertEquals("push-token", c.repository().pushToken());
        assertEquals(Duration.ofMinutes(30), c.cache("sessions").idleTimeout());
        assertEquals(Duration.ofMillis(100), c.cache("sessions").localReadTimeout());
        assertNull(c.cache("objects").leaseTimeout());
        assertEquals(Duration.ofHours(1), c.cache("objects").expireTimeout());
        assertNull(c.cache("undeclared"));
    }

    @Test
    void connectionLimitsHaveDefaultsAndMustBePositive() throws Exception {
        Files.writeString(dir.resolve("secret"), "a-cluster-secret-of-enough-length\n");
        String form = """
                <triad xmlns="urn:isohost:triad:1" server="a">
                  <member id="a" address="127.0.0.1:7701"/>
                  <data-dir>data</data-dir>
                  <secret-file>secret</secret-file>
                  %s
                </triad>
                """;
        Path file = dir.resolve("triad.xml");
        Files.writeString(file, form.formatted(""));
        TriadConfig c = TriadConfig.load(file);
        assertEquals(TriadConfig.DEFAULT_AUTH_TIMEOUT, c.authTimeout());
        assertEquals(TriadConfig.DEFAULT_MAX_UNAUTHENTICATED, c.maxUnauthenticated());
        for (String bad : List.of("<timing auth-timeout=\"0s\"/>", "<timing auth-timeout=\"none\"/>",
                "<limits max-unauthenticated-connections=\"0\"/>")) {
            Files.writeString(file, form.formatted(bad));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> TriadConfig.load(file), bad);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void theOneMachineDefaultServesAlone() throws Exception {
        TriadConfig cfg = TriadConfig.single("127.0.0.1", FreePorts.port(), dir.resolve("one"), TriadTesting.SECRET);
        try (TriadServer server = TriadServer.start(cfg)) {
            assertTrue(server.awaitReady(Duration.ofSeconds(10)));
            try (TriadClient client = TriadClient.connect(cfg)) {
                CacheClient sessions = client.cache("sessions");
                assertEquals(CacheConfig.SESSION_LOCAL_READ, sessions.config().localReadTimeout());
                client.cache("anything").put("k".getBytes(), "v".getBytes());
                assertEquals("v", new String(client.cache("anything").get("k".getBytes())));
            }
        }
        try (TriadServer again = TriadServer.start(cfg); TriadClient client = TriadClient.connect(cfg)) {
            assertTrue(again.awaitReady(Duration.ofSeconds(10)));
            assertEquals("v", new String(client.cache("anything").get("k".getBytes())), "a restart keeps the entries");
        }
    }

    @Test
    void membersFollowEachOthersDeployments() throws Exception {
        TriadConfig base = TriadTesting.config(3, dir, java.util.Map.of(), false);
        List<TriadConfig.Member> ms = new ArrayList<>();
        for (TriadConfig.Member m : base.members()) {
            ms.add(new TriadConfig.Member(m.id(), m.host(), m.port(), FreePorts.port()));
        }
        TriadConfig cfg = new TriadConfig("a", ms, dir.resolve("a"), base.secret(), 1024, 1 << 20, base.heartbeat(),
                base.failureTimeout(), false, base.caches(), false, new TriadConfig.Repository("tok"), base.authTimeout(),
                base.maxUnauthenticated());
        List<TriadServer> servers = TriadTesting.startAll(cfg);
        try {
            Path app = dir.resolve("app");
            Files.createDirectories(app);
            Files.writeString(app.resolve("index.html"), "hello");
            ObjectId v = servers.get(0).repository().deploy("hello", app);
            for (TriadServer s : servers.subList(1, 3)) {
                DeploymentRepository r = s.repository();
                Waits.await("member " + s.config().serverId() + " fetched the deployment").until(() -> v.equals(r.current("hello")));
            }
        } finally {
            TriadTesting.closeAll(servers);
        }
    }

    @Test
    void hostileFilesAreRefusedWhereTheyStartAndReachNothing() throws Exception {
        HostileXml.assertRefusedByReader(dir, "triad", "urn:isohost:triad:1", "<triad xmlns=\"urn:isohost:triad:1\"/>",
                f -> assertThrows(IllegalArgumentException.class, () -> TriadConfig.load(f)).getMessage());
    }
}
