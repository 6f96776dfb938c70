package io.isohost.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isohost.container.ComponentCompiler;
import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.RateSpec;
import io.isohost.container.ServletMapping;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.daemon.deploy.DeploymentTarget;
import io.isohost.rm.policy.CpuSharePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.Attribute;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Quotas as desired state: one policy-set operation for every writer, operators' changes kept. */
class OperatorQuotasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private DaemonSettings settings() throws Exception {
        return TestHosts.settings(tmp.resolve("data"));
    }

    private Path service(String name, double rate) throws Exception {
        ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Hello", DeploymentManagerTest.HELLO));
        Path file = tmp.resolve(name + ".xml");
        Files.writeString(file, """
                <service xmlns="urn:isohost:service:1" name="%s" tenant="acme">
                  <shapes><shape name="small"><rate resource="%s.tx" per-second="%s"/></shape></shapes>
                  <allocation><containers shape="small" count="1"/></allocation>
                  <components>
                    <component name="web" role="application-server"><artifact>classes</artifact></component>
                    <embedded-component name="page" application-server="web">
                      <servlet class="demo.Hello" name="%s-page"><url-pattern>/%s</url-pattern></servlet>
                    </embedded-component>
                  </components>
                </service>
                """.formatted(name, name, rate, name, name));
        return file;
    }

    private JsonNode admin(String method, String path, String body) throws Exception {
        var r = http.send(HttpRequest.newBuilder(daemon.adminUri().resolve(path)).header("Authorization", "Bearer " + daemon.adminToken())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String source(JsonNode quotas, String quota) {
        for (JsonNode q : quotas) {
            if (q.path("quota").asText().equals(quota)) {
                return q.path("source").asText() + " " + q.path("value").asDouble();
            }
        }
        return "none";
    }

    @Test
    void anOperatorsQuotasOutliveAnUnrelatedSubmitAndARestart() throws Exception {
        var s = settings();
        daemon = Daemon.start(s, MBeanServerFactory.newMBeanServer());
        daemon.services().submit(service("shop", 100));
        admin("PUT", "/api/containers/shop-1/quota", "{\"resource\": \"shop.tx\", \"rate\": 20}");
        try (var jmx = JmxClients.connect(daemon)) {
            jmx.getMBeanServerConnection().setAttribute(new ObjectName("isohost:type=ResourceDomain,container=shop-1,resource=cpu-time"),
                    new Attribute("CpuShare", 0.25));
        }
        daemon.services().submit(service("blog", 50)); // unrelated

        var shop = daemon.containers().container("shop-1").orElseThrow();
        assertEquals(20.0, shop.policies().rates().get("shop.tx").perSecond(), "the operator's rate stays");
        assertEquals(0.25, shop.policies().cpuShare(), "the operator's CPU share stays");
        JsonNode quotas = admin("GET", "/api/containers/shop-1", null).path("quotas");
        assertEquals("operator 20.0", source(quotas, "rate:shop.tx"), quotas.toString());
        assertEquals("operator 0.25", source(quotas, "cpuShare"), quotas.toString());
        assertEquals("descriptor 50.0", source(admin("GET", "/api/containers/blog-1", null).path("quotas"), "rate:blog.tx"));

        daemon.close();
        // the same data directory; fresh ports, as a JMX registry's port may linger a moment after close
        daemon = Daemon.start(TestHosts.withFreshPorts(s),
                MBeanServerFactory.newMBeanServer());
        shop = daemon.containers().container("shop-1").orElseThrow();
        assertEquals(20.0, shop.policies().rates().get("shop.tx").perSecond(), "the operator's rate survives a restart");
        assertEquals(0.25, shop.policies().cpuShare(), "the operator's CPU share survives a restart");
        JsonNode status = admin("GET", "/api/status", null);
        for (JsonNode c : status.path("containers")) {
            if (c.path("name").asText().equals("shop-1")) {
                assertEquals("operator 20.0", source(c.path("quotas"), "rate:shop.tx"), c.toString());
            }
        }

        // the descriptor changing its own value does not undo the operator's
        daemon.services().submit(service("shop", 300));
        assertEquals(20.0, daemon.containers().container("shop-1").orElseThrow().policies().rates().get("shop.tx").perSecond());
    }

    @Test
    void everyPolicyFieldOfADeployedContainerIsRetuned() throws Exception {
        daemon = Daemon.start(settings(), MBeanServerFactory.newMBeanServer());
        daemon.containers().resources().registerCounted("shop.tx");
        ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Hello", DeploymentManagerTest.HELLO));
        var spec = ComponentSpec.builder("web").artifacts(tmp.resolve("classes"))
                .servlets(ServletMapping.of("demo.Hello", "/hello")).build();
        var first = ContainerPolicies.builder().rate("shop.tx", new RateSpec(10, 1, Duration.ofSeconds(5)))
                .cpuShare(0.5).cpuGuarantee(0.1).maxConcurrency(4).allocationBytesPerSecond(1_000_000).build();
        var second = ContainerPolicies.builder().rate("shop.tx", new RateSpec(10, 8, Duration.ofMillis(300)))
                .cpuShare(0.5).cpuGuarantee(0.2).maxConcurrency(4).allocationBytesPerSecond(3_000_000).build();
        daemon.deployments().apply(new DeploymentTarget(1, List.of(new ContainerTarget("app-1", "shop", first, List.of(spec)))));
        var report = daemon.deployments().apply(new DeploymentTarget(2, List.of(new ContainerTarget("app-1", "shop", second, List.of(spec)))));
        assertEquals(List.of("app-1"), report.containersRetuned());
        assertEquals(second, daemon.containers().container("app-1").orElseThrow().policies(),
                "burst, maximum wait, CPU guarantee and allocation budget are retuned too");
        assertTrue(report.isolatesStopped().isEmpty(), "a retune restarts nothing");
    }

    @Test
    void concurrentJmxAndAdminApiChangesLeaveOneCpuSharePolicy() throws Exception {
        daemon = Daemon.start(settings(), MBeanServerFactory.newMBeanServer());
        daemon.services().submit(service("shop", 100));
        var bean = new ObjectName("isohost:type=ResourceDomain,container=shop-1,resource=cpu-time");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (var jmx = JmxClients.connect(daemon)) {
            var remote = jmx.getMBeanServerConnection();
            Future<?> viaJmx = pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    remote.setAttribute(bean, new Attribute("CpuShare", i % 2 == 0 ? 0.0 : 0.5));
                }
                return null;
            });
            Future<?> viaApi = pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    admin("PUT", "/api/containers/shop-1/quota", "{\"cpuShare\": " + (i % 2 == 0 ? 0 : 0.25) + "}");
                }
                return null;
            });
            viaJmx.get(120, TimeUnit.SECONDS);
            viaApi.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        var cpu = daemon.containers().container("shop-1").orElseThrow().domain("cpu-time").orElseThrow();
        List<Object> shares = new ArrayList<>(cpu.policies().stream().filter(p -> p instanceof CpuSharePolicy).toList());
        assertTrue(shares.size() <= 1, "at most one CPU-share policy: " + cpu.policies());
        assertEquals(shares.isEmpty() ? 0.0 : ((CpuSharePolicy) shares.getFirst()).share(),
                daemon.containers().container("shop-1").orElseThrow().policies().cpuShare());
    }
}
