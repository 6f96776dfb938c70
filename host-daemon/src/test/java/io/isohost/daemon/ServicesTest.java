package io.isohost.daemon;

import io.isohost.testing.Waits;
import io.isohost.container.ComponentCompiler;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.descriptor.DescriptorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class ServicesTest {
    @TempDir
    Path tmp;
    private Daemon daemon;
    private Path descriptor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static String descriptor(int containers, String generator) {
        return """
                <service xmlns="urn:isohost:service:1" name="shop" tenant="acme">
                  <shapes>
                    <shape name="small"><rate resource="requests" per-second="1000"/></shape>
                  </shapes>
                  <allocation><containers shape="small" count="%d"/></allocation>
                  <components>
                    <component name="web" role="application-server">
                      <artifact>classes</artifact>
                    </component>
                    <embedded-component name="browse" application-server="web">
                      <servlet class="demo.Hello"><url-pattern>/browse</url-pattern></servlet>
                    </embedded-component>
                    <embedded-component name="bid" application-server="web">
                      <servlet class="demo.Hello" name="bid"><url-pattern>/bid</url-pattern></servlet>
                    </embedded-component>
                  </components>
                  <generator name="%s"/>
                </service>
                """.formatted(containers, generator);
    }

    @BeforeEach
    void start() throws Exception {
        ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Hello", DeploymentManagerTest.HELLO));
        descriptor = tmp.resolve("shop.xml");
        Files.writeString(descriptor, descriptor(2, "replicate-all"));
        daemon = Daemon.start(TestHosts.settings(tmp.resolve("data")),
                MBeanServerFactory.newMBeanServer());
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private int get(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The route as the balancer was last told, or null. */
    private io.isohost.lb.Route route(io.isohost.lb.RouteKey key) {
        return daemon.deployments().balancer().routes().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
    }

    @Test
    void aSubmittedDescriptorServesEveryComponentThroughItsContainers() throws Exception {
        var report = daemon.services().submit(descriptor);
        assertEquals(List.of("shop-1", "shop-2"), report.containersCreated());
        // one route per servlet: "Hello" (the browse servlet, named after its class) and "bid"
        for (String component : List.of("browse", "bid")) {
            var route = route(new io.isohost.lb.RouteKey("shop", component.equals("bid") ? "bid" : "Hello"));
            assertNotNull(route, component + " is routed");
            for (URI endpoint : route.endpoints().stream().map(io.isohost.lb.Endpoint::uri).toList()) {
                assertEquals(200, get(endpoint.resolve("/" + component)), component + " at " + endpoint);
            }
        }
        assertTrue(daemon.services().submit(descriptor).changedNothing(), "submitting again changes nothing");

        // the host's load balancer sends each path to the containers hosting it
        URI router = daemon.routerUri().orElseThrow();
        for (int i = 0; i < 4; i++) {
            var r = http.send(HttpRequest.newBuilder(router.resolve("/bid")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("hello bid", r.body());
        }
        assertEquals(404, get(router.resolve("/nowhere")));

        // the balancer is a component of its own container: guaranteed CPU, and its CPU metered there
        daemon.balancerContainer().orElseThrow().charge();
        var own = daemon.containers().container("isohost-balancer").orElseThrow();
        assertEquals(0.1, own.policies().cpuGuarantee(), 1e-9);
        assertTrue(own.domain("cpu-time").orElseThrow().usage().charged() > 0, "the balancer's CPU is charged to its container");

        // what the balancer and containers measured reaches the generators as performance data
        var data = daemon.performance().tick();
        assertTrue(data.component("bid").requestRate() > 0, "the balancer's request rate, summed by component: " + data);
        assertTrue(data.containers().get("shop-1").requestRate() > 0, "the container's request rate: " + data);
    }

    @Test
    void allocationChangesTheNumberOfContainers() throws Exception {
        daemon.services().submit(descriptor);
        var up = daemon.services().allocate("shop", 4);
        assertEquals(List.of("shop-3", "shop-4"), up.containersCreated());
        assertEquals(4, route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().size());
        var down = daemon.services().allocate("shop", 1);
        assertEquals(3, down.containersDestroyed().size());
        assertEquals(1, route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().size());
        var bean = new ObjectName("isohost:type=Service,name=shop");
        var mbeans = daemon.containers().settings().mbeanServer();
        mbeans.setAttribute(bean, new javax.management.Attribute("AllocatedContainers", 3));
        assertEquals(3, mbeans.getAttribute(bean, "AllocatedContainers"));
        assertEquals(3, route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().size());
        assertThrows(IllegalArgumentException.class, () -> daemon.services().allocate("shop", -1));
        assertThrows(IllegalArgumentException.class, () -> daemon.services().allocate("nope", 2));
    }

    @Test
    void swappingTheGeneratorUnderContinuousRequestsFailsNone() throws Exception {
        daemon.services().submit(descriptor);
        URI browse = route(new io.isohost.lb.RouteKey("shop", "bid")).endpoints().getFirst().uri().resolve("/browse");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        var load = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (running.get() && System.nanoTime() < deadline) {
                if (get(browse) == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
        });
        Waits.await("20 requests answered before the swaps").until(() -> ok.get() >= 20);
        daemon.services().swapGenerator("shop", "per-component", Map.of());
        assertEquals("per-component", daemon.services().service("shop").orElseThrow().generatorName());
        daemon.services().swapGenerator("shop", "replicate-all", Map.of());
        int before = ok.get();
        Waits.await("20 more requests answered after the swaps").until(() -> ok.get() >= before + 20);
        running.set(false);
        load.get(60, TimeUnit.SECONDS);
        assertEquals(0, failed.get(), "requests failed during the swaps (" + ok.get() + " succeeded)");
    }

    static final String RECORDING_LB = """
            package demo;
            import io.isohost.container.LoadBalancerConfigurator;
            import java.nio.file.*;
            public class RecordingLb implements LoadBalancerConfigurator {
                private void log(String what, Replica r) {
                    try {
                        Files.writeString(Path.of(System.getProperty("lbtest.file")),
                            what + " " + r.container() + " " + r.component() + " " + r.urlPatterns() + "\\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
                }
                @Override public void replicaAdded(Replica r) { log("added", r); }
                @Override public void replicaRemoved(Replica r) { log("removed", r); }
            }
            """;

    @Test
    void theLoadBalancerConfigurationClassHearsOfEveryReplicaAddedAndRemoved() throws Exception {
        ComponentCompiler.compile(tmp.resolve("lb"), Map.of("demo.RecordingLb", RECORDING_LB));
        Path log = tmp.resolve("lb.log");
        System.setProperty("lbtest.file", log.toString());
        Files.writeString(descriptor, descriptor(2, "replicate-all").replace("</components>",
                "<load-balancer name=\"shop-lb\" configuration-class=\"demo.RecordingLb\"><artifact>lb</artifact></load-balancer>\n</components>"));
        daemon.services().submit(descriptor);
        List<String> added = Files.readAllLines(log);
        assertEquals(4, added.size(), added.toString());
        assertTrue(added.contains("added shop-2 bid [/bid]"), added.toString());
        Files.delete(log);
        daemon.services().allocate("shop", 1);
        List<String> removed = Files.readAllLines(log);
        assertEquals(List.of("removed shop-2 Hello [/browse]", "removed shop-2 bid [/bid]").stream().sorted().toList(),
                removed.stream().sorted().toList());
    }

    static final String BAD_GENERATOR = """
            package demo;
            import io.isohost.deploy.*;
            import java.util.Map;
            public class BadGenerators implements DeploymentGeneratorProvider {
                @Override public String name() { return "bad"; }
                @Override public String description() { return "throws or never answers"; }
                @Override public DeploymentGenerator create(GeneratorSettings s) {
                    boolean loops = s.parameters().containsKey("loop");
                    return input -> {
                        if (loops) { while (true) { Thread.onSpinWait(); if (Thread.interrupted()) throw new IllegalStateException("stopped"); } }
                        throw new IllegalStateException("broken generator");
                    };
                }
            }
            """;

    @Test
    void aGeneratorThatThrowsOrOverrunsLeavesTheDeploymentInForce() throws Exception {
        Path jar = ComponentCompiler.providerJar(tmp.resolve("bad-gen.jar"), DeploymentGeneratorProvider.class.getName(),
                "demo.BadGenerators", BAD_GENERATOR);
        daemon.services().submit(descriptor);
        var before = daemon.deployments().current();
        var thrown = assertThrows(io.isohost.deploy.GeneratorException.class,
                () -> daemon.services().swapGenerator("shop", jar.toString(), Map.of()));
        assertTrue(thrown.getMessage().contains("broken generator"), thrown.getMessage());
        var overran = assertThrows(io.isohost.deploy.GeneratorException.class,
                () -> daemon.services().swapGenerator("shop", jar.toString(), Map.of("loop", "yes")));
        assertTrue(overran.getMessage().contains("did not answer"), overran.getMessage());
        assertEquals(before, daemon.deployments().current(), "the deployment in force stays");
        assertEquals("replicate-all", daemon.services().service("shop").orElseThrow().generatorName());
    }

    @Test
    void aDryRunAppliesNothingAndAnAllocationTheHostCannotHoldIsRefused() throws Exception {
        daemon.services().submit(descriptor);
        var dry = daemon.services().dryRun("shop", java.util.Optional.of("per-component"));
        assertEquals("shop", dry.service());
        assertEquals(2, daemon.containers().containers().stream().filter(c -> c.name().startsWith("shop-")).count());
        var e = assertThrows(IllegalArgumentException.class, () -> daemon.services().allocate("shop", 999));
        assertTrue(e.getMessage().contains("cannot hold"), e.getMessage());
        assertEquals(2, daemon.services().service("shop").orElseThrow().descriptor().allocation().total(),
                "a refused allocation changes nothing");
        assertEquals(2, daemon.containers().containers().stream().filter(c -> c.name().startsWith("shop-")).count());
    }

    @Test
    void badInputIsRefusedWithLineAndColumnAndChangesNothing() throws Exception {
        daemon.services().submit(descriptor);
        Path bad = tmp.resolve("bad.xml");
        Files.writeString(bad, descriptor(2, "replicate-all").replace("<component name=\"web\"", "<component"));
        var e = assertThrows(DescriptorException.class, () -> daemon.services().submit(bad));
        assertTrue(e.getMessage().contains("bad.xml:"), e.getMessage());
        assertTrue(e.problems().getFirst().line() > 0);
        var unknown = assertThrows(io.isohost.deploy.GeneratorException.class,
                () -> daemon.services().swapGenerator("shop", "no-such-generator", Map.of()));
        assertTrue(unknown.getMessage().contains("no-such-generator"), unknown.getMessage());
        assertEquals("replicate-all", daemon.services().service("shop").orElseThrow().generatorName());
        assertEquals(2, daemon.containers().containers().stream().filter(c -> c.name().startsWith("shop-")).count());
    }
}
