package io.isohost.rubis;

import io.isohost.testing.FreePorts;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.DaemonSettings;
import io.isohost.rubis.db.DatabaseAccess;
import io.isohost.rubis.db.Loader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RUBiS descriptor, as shipped in docs/examples, submitted to a real host: the database runs
 * in a container of its own, the application server in the allocated ones, and every interaction
 * is reached through the host's balancer.
 */
class RubisDeploymentIT {
    @TempDir
    Path tmp;
    Daemon daemon;
    DaemonSettings settings;
    final HttpClient http = HttpClient.newHttpClient();

    /** A block of free ports: admin, JMX, router, the database, then 50 for containers. */
    int ports;

    /** docs/examples/rubis.xml with this build's artifacts and a free database port. */
    static Path descriptor(Path dir, int dbPort, String generator) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        String xml = Files.readString(Path.of("../docs/examples/rubis.xml"))
                .replace("../../examples-rubis/target", target.toString())
                .replace("7190", Integer.toString(dbPort))
                .replace("<generator name=\"replicate-all\"/>", "<generator name=\"" + generator + "\"/>");
        Path file = dir.resolve("rubis.xml");
        Files.writeString(file, xml);
        return file;
    }

    @BeforeEach
    void start() throws Exception {
        ports = FreePorts.range(54);
        settings = DaemonSettings.defaults().withDataDirectory(tmp.resolve("data")).withPorts(ports, ports + 1)
                .withRouterPort(ports + 2).withContainerPorts(ports + 4, ports + 53)
                .withArtifactRoots(java.util.List.of(Path.of("target").toAbsolutePath()));
        daemon = Daemon.start(settings, MBeanServerFactory.newMBeanServer());
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    int status(String path) throws Exception {
        return get(path).statusCode();
    }

    HttpResponse<String> get(String path) throws Exception {
        URI router = daemon.routerUri().orElseThrow();
        return http.send(HttpRequest.newBuilder(router.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Loads a small database as {@code isohost rubis load} does: found through the host's data directory. */
    void load() throws Exception {
        DatabaseAccess access = DatabaseAccess.read(DatabaseAccess.find(tmp.resolve("data").resolve("services"), "rubis", "rubis-db"));
        try (Connection c = access.connectAsAdmin()) {
            new Loader(c, Population.ofScale(0.0005), 7, rows -> { }).load();
        }
    }

    @Test
    void theDescriptorDeploysAndServesThroughTheBalancer() throws Exception {
        int dbPort = ports + 3;
        var report = daemon.services().submit(descriptor(tmp, dbPort, "replicate-all"));
        assertTrue(report.containersCreated().contains("rubis-rubis-db"), "the database has a container of its own: " + report);
        assertTrue(report.containersCreated().contains("rubis-1"), report.toString());
        load();

        assertTrue(get("/rubis/index.html").body().contains("RUBiS"));
        var categories = get("/servlet/edu.rice.rubis.servlets.BrowseCategories");
        assertEquals(200, categories.statusCode(), categories.body());
        assertTrue(categories.body().contains("Collectibles"), categories.body());
        var item = get("/servlet/edu.rice.rubis.servlets.ViewItem?itemId=1");
        assertEquals(200, item.statusCode(), item.body());
        assertTrue(item.body().contains("userId="), item.body());

        // a second container: the system creates it, installs the replica and routes to it
        daemon.services().allocate("rubis", 2);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, status("/servlet/edu.rice.rubis.servlets.BrowseRegions"));
        }
        var stats = daemon.balancer().orElseThrow().stats();
        assertTrue(stats.containsKey(new io.isohost.lb.RouteKey("rubis", "BrowseRegions"))
                        && stats.containsKey(new io.isohost.lb.RouteKey("rubis", "ViewItem")),
                "the balancer measures each servlet on its own: " + stats.keySet());
    }

    /** Rows in every RUBiS table, read as the loader reads them. */
    long rows() throws Exception {
        DatabaseAccess access = DatabaseAccess.read(DatabaseAccess.find(tmp.resolve("data").resolve("services"), "rubis", "rubis-db"));
        long n = 0;
        try (Connection c = access.connectAsAdmin()) {
            for (String table : java.util.List.of("users", "items", "old_items", "bids", "buy_now", "comments", "categories", "regions")) {
                try (var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    n += r.getLong(1);
                }
            }
        }
        return n;
    }

    @Test
    void theDatabaseKeepsEveryRowAcrossAGracefulRestartAndAKill() throws Exception {
        daemon.services().submit(descriptor(tmp, ports + 3, "replicate-all"));
        load();
        long loaded = rows();
        assertTrue(loaded > 0);
        daemon.close();
        daemon = null;

        // the same host in a process of its own: it restores RUBiS from what it kept, then is killed (kill -9)
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaCommand, "-Dh2.bindAddress=127.0.0.1", "-cp", System.getProperty("java.class.path"),
                "io.isohost.daemon.Isohost",
                "start", "--data", settings.dataDirectory().toString(), "--admin-port", Integer.toString(settings.adminPort()),
                "--jmx-port", Integer.toString(settings.jmxPort()), "--router-port", Integer.toString(settings.routerPort()),
                "--container-ports", settings.firstContainerPort() + "-" + settings.lastContainerPort())
                .redirectErrorStream(true).start();
        try {
            var lines = child.inputReader();
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("isohost host ready")) {
                // its log, until it is ready
            }
            assertTrue(line != null, "the host process came up");
            assertEquals(loaded, rows(), "every row is there after a stop and a start");
            var item = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.routerPort()
                    + "/servlet/edu.rice.rubis.servlets.ViewItem?itemId=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, item.statusCode(), item.body());
        } finally {
            child.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        daemon = Daemon.start(settings, MBeanServerFactory.newMBeanServer());
        assertEquals(loaded, rows(), "every row is there after kill -9 of the host");
    }

    @Test
    void perComponentPlacementSendsEachServletOnlyToItsContainers() throws Exception {
        int dbPort = ports + 3;
        daemon.services().submit(descriptor(tmp, dbPort, "per-component"));
        daemon.services().allocate("rubis", 3);
        load();
        var deployment = daemon.services().service("rubis").orElseThrow().deployment();
        var storeBid = deployment.routes().get("StoreBid");
        var browse = deployment.routes().get("BrowseCategories");
        assertTrue(!storeBid.isEmpty() && !browse.isEmpty(), deployment.routes().toString());
        assertTrue(!storeBid.equals(browse) || deployment.containers().size() < 3,
                "bids and browsing are placed apart: " + deployment.routes());
        assertEquals(200, status("/servlet/edu.rice.rubis.servlets.BrowseCategories"));
        assertEquals(200, status("/servlet/edu.rice.rubis.servlets.PutBidAuth?itemId=1"));
    }
}
