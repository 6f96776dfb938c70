package io.isohost.daemon;

import io.isohost.testing.Waits;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isohost.container.ComponentCompiler;
import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.ServletMapping;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.daemon.deploy.DeploymentTarget;
import io.isohost.daemon.deploy.TargetStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class DeploymentManagerTest {
    static final String HELLO = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Hello extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print("hello " + getServletName());
                }
            }
            """;

    @TempDir
    Path tmp;
    private Path classes;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void compile() throws Exception {
        classes = ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Hello", HELLO));
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private ComponentSpec hello(String name, String pattern) {
        return ComponentSpec.builder(name).artifacts(classes)
                .servlets(new ServletMapping(name, "demo.Hello", List.of(pattern))).build();
    }

    private DeploymentTarget target(long version, int containers, double rate) {
        List<ContainerTarget> cs = new ArrayList<>();
        for (int i = 1; i <= containers; i++) {
            cs.add(new ContainerTarget("app-" + i, "shop", ContainerPolicies.builder().rate("requests", rate).build(),
                    List.of(hello("browse", "/browse"), hello("bid", "/bid"))));
        }
        return new DeploymentTarget(version, cs);
    }

    private DaemonSettings settings(Path data) throws Exception {
        return TestHosts.settings(data);
    }

    /** The route as the balancer was last told, or null. */
    private io.isohost.lb.Route route(io.isohost.lb.RouteKey key) {
        return daemon.deployments().balancer().routes().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
    }

    @Test
    void applyingTheSameTargetTwiceChangesNothing() throws Exception {
        daemon = Daemon.start(settings(tmp.resolve("data")), MBeanServerFactory.newMBeanServer());
        var first = daemon.deployments().apply(target(1, 2, 50));
        assertEquals(List.of("app-1", "app-2"), first.containersCreated());
        assertEquals(4, first.isolatesStarted().size());
        var again = daemon.deployments().apply(target(1, 2, 50));
        assertTrue(again.changedNothing(), again.toString());
    }

    @Test
    void aNewTargetIsAppliedByDifferenceAndRoutesFollow() throws Exception {
        daemon = Daemon.start(settings(tmp.resolve("data")), MBeanServerFactory.newMBeanServer());
        daemon.deployments().apply(target(1, 3, 50));
        assertEquals(3, route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().size());
        assertEquals(List.of("/bid"), route(new io.isohost.lb.RouteKey("shop", "bid")).urlPatterns());

        // app-3 goes, app-1 and app-2 get a new rate, and app-2 swaps "bid" for "sell"
        List<ContainerTarget> next = new ArrayList<>(target(2, 2, 20).containers());
        next.set(1, new ContainerTarget("app-2", "shop", next.get(1).policies(),
                List.of(hello("browse", "/browse"), hello("sell", "/sell"))));
        var report = daemon.deployments().apply(new DeploymentTarget(2, next));
        assertEquals(List.of("app-3"), report.containersDestroyed());
        assertEquals(List.of("app-1", "app-2"), report.containersRetuned());
        assertEquals(List.of("app-2/bid"), report.isolatesStopped());
        assertEquals(List.of("app-2/sell"), report.isolatesStarted());
        assertTrue(report.containersCreated().isEmpty());
        assertEquals(20.0, daemon.containers().container("app-1").orElseThrow().policies().rates().get("requests").perSecond());
        assertEquals(1, route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().size());
        URI sell = route(new io.isohost.lb.RouteKey("shop", "sell")).endpoints().getFirst().uri().resolve("/sell");
        assertEquals("hello sell", http.send(HttpRequest.newBuilder(sell).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void aTargetThatCannotBeFullyAppliedSaysWhatFailedAndAppliesTheRest() throws Exception {
        daemon = Daemon.start(settings(tmp.resolve("data")), MBeanServerFactory.newMBeanServer());
        var broken = new ContainerTarget("bad", "shop", ContainerPolicies.NONE, List.of(
                ComponentSpec.builder("x").artifacts(classes).servlets(ServletMapping.of("demo.Missing", "/x")).build()));
        var ok = target(1, 1, 50).containers().getFirst();
        var e = assertThrows(io.isohost.daemon.deploy.DeploymentManager.DeploymentException.class,
                () -> daemon.deployments().apply(new DeploymentTarget(1, List.of(broken, ok))));
        assertTrue(e.getMessage().contains("demo.Missing"), e.getMessage());
        assertEquals(2, daemon.containers().container("app-1").orElseThrow().isolates().size());
    }

    @Test
    void aHostKilledDuringAnApplyConvergesToTheTargetOnRestart() throws Exception {
        Path data = tmp.resolve("killed");
        var s = settings(data);
        Process first = ChildHost.start(s);
        try {
            // the target is written before the host changes; kill -9 as soon as it is on disk
            String body = new ObjectMapper().writeValueAsString(TargetStore.json(target(7, 12, 50)));
            var token = Files.readString(data.resolve("admin.token")).strip();
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.adminPort() + "/api/deployment"))
                    .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Path saved = data.resolve("deployment/target.json");
            Waits.await("the target saved").until(() -> Files.exists(saved));
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        daemon = Daemon.start(s, MBeanServerFactory.newMBeanServer());
        assertEquals(7, daemon.deployments().current().version());
        var apps = daemon.containers().containers().stream().filter(c -> c.name().startsWith("app-")).toList();
        assertEquals(12, apps.size());
        for (var c : apps) {
            URI bid = c.endpoint().orElseThrow().resolve("/bid");
            assertEquals(200, http.send(HttpRequest.newBuilder(bid).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
