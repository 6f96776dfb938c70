package io.isohost.daemon;

import io.isohost.testing.FreePorts;
import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerPolicies;
import io.isohost.rm.ResourceDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.Attribute;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class DaemonTest {
    @TempDir
    Path tmp;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    private DaemonSettings settings() {
        return TestHosts.settings(tmp.resolve("data"));
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void aRateQuotaChangedThroughARemoteJmxConnectorTakesEffect() throws Exception {
        daemon = Daemon.start(settings(), MBeanServerFactory.newMBeanServer());
        daemon.containers().resources().registerCounted("rubis.tx");
        var c = daemon.containers().create(ContainerConfig.leaf("app-1",
                ContainerPolicies.builder().rate("rubis.tx", 1000).build()));
        try (var connector = JmxClients.connect(daemon)) {
            var remote = connector.getMBeanServerConnection();
            var bean = new ObjectName("isohost:type=ResourceDomain,container=app-1,resource=rubis.tx");
            assertEquals(1000.0, remote.getAttribute(bean, "RateLimit"));
            remote.setAttribute(bean, new Attribute("RateLimit", 5.0));
            assertEquals(5.0, remote.getAttribute(bean, "RateLimit"));
            var refused = assertThrows(Exception.class, () -> remote.setAttribute(bean, new Attribute("RateLimit", -1.0)));
            assertTrue(String.valueOf(refused.getCause() != null ? refused.getCause().getMessage() : refused.getMessage())
                    .contains("rate"), refused.toString());
            assertEquals(5.0, remote.getAttribute(bean, "RateLimit"), "a refused quota changes nothing");
        }
        ResourceDomain tx = c.domain("rubis.tx").orElseThrow();
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            tx.consume(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.95, "6 units at the new rate of 5/s took only " + seconds + " s");
    }

    @Test
    void theAdminApiNeedsTheTokenAndRefusesBadInputWithoutChangingAnything() throws Exception {
        daemon = Daemon.start(settings(), MBeanServerFactory.newMBeanServer());
        URI api = daemon.adminUri().resolve("api/containers");
        var noToken = http.send(HttpRequest.newBuilder(api).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noToken.statusCode());
        var wrong = http.send(HttpRequest.newBuilder(api).header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
        var malformed = post(api, "{\"name\": \"x\",\n  \"policies\": {");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("line 2"), malformed.body());
        var badQuota = post(api, "{\"name\": \"x\", \"policies\": {\"rates\": {\"requests\": -4}}}");
        assertEquals(400, badQuota.statusCode());
        assertTrue(badQuota.body().contains("rate"), badQuota.body());
        var unknownResource = post(api, "{\"name\": \"x\", \"policies\": {\"rates\": {\"nope\": 4}}}");
        assertEquals(400, unknownResource.statusCode());
        assertTrue(unknownResource.body().contains("nope"), unknownResource.body());
        assertTrue(daemon.containers().container("x").isEmpty(), "nothing was created");
        assertEquals(200, post(api, "{\"name\": \"x\"}").statusCode());
        assertTrue(daemon.containers().container("x").isPresent());

        var metrics = http.send(HttpRequest.newBuilder(daemon.adminUri().resolve("metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("isohost_policy_denials_total{container=\"x\",resource=\"requests\"}"), metrics.body());
        assertTrue(metrics.body().contains("isohost_host_memory_total_bytes"), "host memory from OSHI");
        assertTrue(metrics.body().contains("isohost_containers 3.0"), "container count, with the generators' and the balancer's own");
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + daemon.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenPortIsNamedAndNothingIsLeftListening() throws Exception {
        var s = settings();
        try (var taken = new ServerSocket(s.adminPort(), 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(IOException.class, () -> Daemon.start(s, MBeanServerFactory.newMBeanServer()));
            assertTrue(e.getMessage().contains(Integer.toString(s.adminPort())), e.getMessage());
        }
        // the JMX port opened before the failure is closed again (RMI closes its listener on its own thread)
        FreePorts.awaitFree(s.jmxPort());
    }

    @Test
    void theCommandLineStartsAHostInItsOwnProcessAndControlsIt() throws Exception {
        var s = settings();
        Process p = ChildHost.start(s);
        try {
            String[] common = {"--data", s.dataDirectory().toString(), "--admin-port", Integer.toString(s.adminPort())};

            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            var cli = new Isohost(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(Isohost.OK, cli.run(concat(new String[]{"status"}, common)), err.toString());
            assertTrue(out.toString().contains("isohost-generators   group"), "the generators' own container shows: " + out);
            assertEquals(Isohost.REFUSED, cli.run(concat(new String[]{"quota", "missing"}, common)));
            assertTrue(err.toString().contains("no container named 'missing'"), err.toString());
            assertEquals(Isohost.USAGE, cli.run("frobnicate"));
            assertEquals(Isohost.OK, cli.run(concat(new String[]{"stop"}, common)));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the host process ends after stop");
            assertEquals(0, p.exitValue());
            assertEquals(Isohost.NOT_RUNNING, cli.run(concat(new String[]{"status"}, common)));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
