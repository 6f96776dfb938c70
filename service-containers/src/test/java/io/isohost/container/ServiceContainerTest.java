package io.isohost.container;

import io.isohost.testing.FreePorts;
import io.isohost.testing.Waits;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class ServiceContainerTest {
    @TempDir
    Path tmp;
    private ContainerHost host;
    private MBeanServer mbeans;
    private Path classes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String HELLO = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Hello extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    io.isohost.rm.Resources.consume("rubis.tx", 1);
                    resp.setContentType("text/plain");
                    resp.getWriter().print("hello from " + getClass().getClassLoader().getName());
                }
            }
            """;
    static final String THROWS = """
            package demo;
            import jakarta.servlet.http.*;
            public class Throws extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    throw new IllegalStateException("component bug");
                }
            }
            """;
    static final String BURN = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Burn extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    long ms = Long.parseLong(req.getParameter("ms"));
                    var bean = java.lang.management.ManagementFactory.getThreadMXBean();
                    long end = bean.getCurrentThreadCpuTime() + ms * 1_000_000L;
                    long x = 0;
                    while (bean.getCurrentThreadCpuTime() < end && !Thread.currentThread().isInterrupted()) { x += System.nanoTime() % 7; }
                    resp.getWriter().print(x);
                }
            }
            """;
    static final String BAD_MAIN = """
            package demo;
            public class BadMain {
                public static void main(String[] args) { throw new IllegalStateException("main fails"); }
            }
            """;
    static final String CONFIGURATOR = """
            package demo;
            import java.nio.file.*;
            public class PortWriter implements io.isohost.container.ReplicaConfigurator {
                @Override public void configure(Replica r) throws Exception {
                    Files.writeString(r.directory().resolve("replica.properties"),
                        "id=" + r.replicaId() + "\\nport=" + r.ports().get(0) + "\\n");
                }
            }
            """;
    static final String READS_CONFIG = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            import java.nio.file.*;
            public class ReadsConfig extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    var ctx = (io.isohost.container.ComponentContext) getServletContext()
                        .getAttribute(io.isohost.container.ComponentContext.class.getName());
                    resp.getWriter().print(Files.readString(ctx.directory().resolve("replica.properties")));
                }
            }
            """;


    static final String EXITS = """
            package demo;
            import jakarta.servlet.http.*;
            public class Exits extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    if (req.getParameter("halt") != null) Runtime.getRuntime().halt(9);
                    System.exit(3);
                }
            }
            """;

    @BeforeEach
    void setUp() throws IOException {
        mbeans = MBeanServerFactory.newMBeanServer();
        int first = FreePorts.range(100);
        host = ContainerHost.create(new HostSettings(tmp.resolve("data"), "127.0.0.1", first, first + 99, mbeans));
        host.resources().registerCounted("rubis.tx");
        classes = ComponentCompiler.compile(tmp.resolve("classes"), Map.of(
                "demo.Hello", HELLO, "demo.Throws", THROWS, "demo.Burn", BURN, "demo.BadMain", BAD_MAIN,
                "demo.PortWriter", CONFIGURATOR, "demo.ReadsConfig", READS_CONFIG, "demo.Exits", EXITS,
                "demo.Counts", TestComponents.COUNTS));
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private ComponentSpec servlet(String name, String cls, String pattern) {
        return ComponentSpec.builder(name).artifacts(classes).servlets(ServletMapping.of(cls, pattern)).build();
    }

    private HttpResponse<String> get(ServiceContainer c, String path) throws Exception {
        URI uri = c.endpoint().orElseThrow().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServletComponentAnswersOnItsContainersOwnPortFromItsOwnClassLoader() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        c.install(servlet("hello", "demo.Hello", "/hello/*"));
        var r = get(c, "/hello/x");
        assertEquals(200, r.statusCode());
        assertEquals("hello from isolate:c1/hello", r.body());
        assertEquals(404, get(c, "/nothing").statusCode());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("demo.Hello"),
                "component classes must not leak into the host's class loader");
        var iso = c.isolate("hello").orElseThrow();
        assertEquals(IsolateState.RUNNING, iso.state());
        assertEquals(1, iso.usage().requests());
        assertTrue(iso.usage().cpuNanos() > 0, "request CPU is metered");
    }

    @Test
    void aRatePolicyHoldsAContainerToItsRate() throws Exception {
        var c = host.create(ContainerConfig.leaf("rated", ContainerPolicies.builder().rate("rubis.tx", 10).build()));
        c.install(servlet("hello", "demo.Hello", "/hello"));
        int n = 21;
        long start = System.nanoTime();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<HttpResponse<String>>> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rs.add(clients.submit(() -> get(c, "/hello")));
            }
            for (var f : rs) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 1.95, n + " transactions at 10/s finished in " + seconds + " s");
        assertEquals(n, c.domain("rubis.tx").orElseThrow().usage().consumed());
    }

    @Test
    void aCpuShareHoldsABusyContainerWhileAnIdleNeighbourKeepsAnswering() throws Exception {
        int cores = host.cpu().cores();
        // a share small enough that even a loaded machine gives the busy container more CPU than it
        // allows, so its work must wait however fast the machine is
        double share = 0.05;
        var busy = host.create(ContainerConfig.leaf("busy", ContainerPolicies.builder().cpuShare(share).build()));
        var idle = host.create(ContainerConfig.leaf("idle", ContainerPolicies.NONE));
        busy.install(servlet("burn", "demo.Burn", "/burn"));
        idle.install(servlet("hello", "demo.Hello", "/hello"));
        int clients = 4;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<CompletableFuture<Integer>> load = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                load.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return get(busy, "/burn?ms=10").statusCode();
                    } catch (Exception e) {
                        return -1;
                    }
                }, pool));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(200, get(idle, "/hello").statusCode(), "the idle neighbour keeps its service");
            }
            for (var f : load) {
                assertEquals(200, f.get(120, TimeUnit.SECONDS));
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double usedCoreSeconds = busy.domain("cpu-time").orElseThrow().usage().charged() / 1e9;
        // share × cores × time, plus the 100 ms window and the work admitted before it was charged
        double allowed = share * cores * elapsed + share * cores * 0.1 + clients * 0.02;
        assertTrue(usedCoreSeconds <= allowed, "busy container used " + usedCoreSeconds
                + " core-seconds in " + elapsed + " s; its share allows " + allowed);
        assertTrue(busy.domain("cpu-time").orElseThrow().usage().waits() > 0, "work waited for CPU");
    }

    @Test
    void aComponentThatThrowsOrFailsDoesNotTakeItsNeighboursDown() throws Exception {
        var c = host.create(ContainerConfig.leaf("shared", ContainerPolicies.NONE));
        c.install(servlet("bad", "demo.Throws", "/bad"));
        c.install(servlet("hello", "demo.Hello", "/hello"));
        assertEquals(500, get(c, "/bad").statusCode());
        assertEquals(200, get(c, "/hello").statusCode());
        var failing = c.install(ComponentSpec.builder("badmain").artifacts(classes).entryClass("demo.BadMain").build());
        Waits.await("the isolate whose main throws has failed").until(() -> failing.state() == IsolateState.FAILED);
        assertTrue(failing.failure().orElseThrow().getMessage().contains("main fails"));
        assertEquals(200, get(c, "/hello").statusCode());
        assertEquals(1, c.isolate("bad").orElseThrow().usage().errors());
    }

    @Test
    void aComponentCallingSystemExitEndsItselfNotTheHost() throws Exception {
        var c = host.create(ContainerConfig.leaf("exits", ContainerPolicies.NONE));
        var exiting = c.install(servlet("exit", "demo.Exits", "/exit"));
        c.install(servlet("hello", "demo.Hello", "/hello"));
        assertEquals(500, get(c, "/exit").statusCode());
        assertEquals(IsolateState.FAILED, exiting.state());
        assertTrue(exiting.failure().orElseThrow().getMessage().contains("exit(3)"), exiting.failure().toString());
        assertEquals(500, get(c, "/exit?halt=1").statusCode());
        assertEquals(200, get(c, "/hello").statusCode(), "the host and the neighbour are still here");
    }

    @Test
    void aLoopingComponentIsForcedDownWhileItsNeighbourKeepsAnswering() throws Exception {
        var looping = host.create(ContainerConfig.leaf("looping", ContainerPolicies.NONE));
        var neighbour = host.create(ContainerConfig.leaf("neighbour", ContainerPolicies.NONE));
        looping.install(servlet("burn", "demo.Burn", "/burn"));
        neighbour.install(servlet("hello", "demo.Hello", "/hello"));
        var stuck = CompletableFuture.supplyAsync(() -> {
            try {
                return get(looping, "/burn?ms=600000").statusCode();
            } catch (Exception e) {
                return -1;
            }
        });
        for (int i = 0; i < 500 && looping.isolate("burn").orElseThrow().usage().cpuNanos() == 0
                && !stuck.isDone(); i++) {
            assertEquals(200, get(neighbour, "/hello").statusCode());
        }
        assertEquals(200, get(neighbour, "/hello").statusCode());
        long t0 = System.nanoTime();
        assertTrue(host.destroy("looping", Duration.ofMillis(200)));
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "destroy must not hang on a looping component");
        assertTrue(host.container("looping").isEmpty());
        assertEquals(200, get(neighbour, "/hello").statusCode());
        stuck.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aReplicasDirectoryIsClonedAndConfiguredBeforeItStarts() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("conf"));
        Files.writeString(tree.resolve("conf/app.xml"), "<app/>");
        var c1 = host.create(ContainerConfig.leaf("app-1", ContainerPolicies.NONE));
        var c2 = host.create(ContainerConfig.leaf("app-2", ContainerPolicies.NONE));
        var spec = ComponentSpec.builder("web").artifacts(classes)
                .servlets(ServletMapping.of("demo.ReadsConfig", "/config"))
                .replication(tree, "demo.PortWriter", 1).build();
        c1.install(spec);
        c2.install(spec);
        String one = get(c1, "/config").body();
        String two = get(c2, "/config").body();
        assertTrue(one.contains("id=app-1/web"), one);
        assertTrue(two.contains("id=app-2/web"), two);
        assertNotEquals(one.lines().filter(l -> l.startsWith("port=")).findFirst(),
                two.lines().filter(l -> l.startsWith("port=")).findFirst(), "each replica gets its own port");
        Path copy = tmp.resolve("data/containers/app-1/web/conf/app.xml");
        assertEquals("<app/>", Files.readString(copy), "the tree is cloned into the container's directory");
        assertEquals("<app/>", Files.readString(tree.resolve("conf/app.xml")), "the original is untouched");

        // the replica's files are its data: a restart keeps them and is configured again
        Files.writeString(copy, "<app changed='yes'/>");
        c1.uninstall("web", Duration.ofSeconds(1));
        c1.install(spec);
        assertEquals("<app changed='yes'/>", Files.readString(copy), "the tree is not copied over an existing replica");
        assertTrue(get(c1, "/config").body().contains("id=app-1/web"));
    }

    @Test
    void aComponentsDirectoryIsItsDataAndOutlivesItsIsolateItsContainerAndTheHost() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        var spec = servlet("counter", "demo.Counts", "/count");
        c.install(spec);
        assertEquals("1", get(c, "/count").body());
        c.uninstall("counter", Duration.ofSeconds(1));
        c.install(spec);
        assertEquals("2", get(c, "/count").body(), "a reinstalled component finds its files");
        host.destroy("c1", Duration.ofSeconds(1));
        c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        c.install(spec);
        assertEquals("3", get(c, "/count").body(), "a component placed again in a container of the same name finds its files");
        assertEquals("3", Files.readString(tmp.resolve("data/containers/c1/counter/count")));

        // a component with a directory of its own keeps it wherever it is placed; two isolates never share one
        var keyed = ComponentSpec.builder("counter").artifacts(classes).servlets(ServletMapping.of("demo.Counts", "/count"))
                .directory(Path.of("services/shop/components/counter")).build();
        var c2 = host.create(ContainerConfig.leaf("c2", ContainerPolicies.NONE));
        c2.install(keyed);
        assertEquals("1", get(c2, "/count").body());
        var c3 = host.create(ContainerConfig.leaf("c3", ContainerPolicies.NONE));
        var shared = assertThrows(IsolateException.class, () -> c3.install(keyed));
        assertTrue(shared.getMessage().contains("in use by isolate c2/counter"), shared.getMessage());
        host.destroy("c2", Duration.ofSeconds(1));
        c3.install(keyed);
        assertEquals("2", get(c3, "/count").body(), "re-placed in another container, the component finds its files");
        assertEquals("2", Files.readString(tmp.resolve("data/services/shop/components/counter/count")));

        // a host closed and made again over the same data directory: every directory is still there
        host.close();
        host = ContainerHost.create(new HostSettings(tmp.resolve("data"), "127.0.0.1", 21000, 21999, mbeans));
        var again = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        again.install(spec);
        assertEquals("4", get(again, "/count").body());
        assertThrows(IllegalArgumentException.class, () -> ComponentSpec.builder("x").entryClass("demo.X")
                .directory(Path.of("../outside")).build());
        assertThrows(IllegalArgumentException.class, () -> ComponentSpec.builder("x").entryClass("demo.X")
                .directory(tmp.toAbsolutePath()).build());
    }

    @Test
    void groupPoliciesGovernEveryLeafBelowThem() throws Exception {
        host.create(new ContainerConfig("tenant", java.util.Optional.empty(), true,
                ContainerPolicies.builder().rate("requests", new RateSpec(0.5, 1, Duration.ZERO)).build(), 0, 32));
        var leaf = host.create(ContainerConfig.leaf("tenant-web", ContainerPolicies.NONE).under("tenant"));
        leaf.install(servlet("hello", "demo.Hello", "/hello"));
        assertEquals(200, get(leaf, "/hello").statusCode());
        var refused = get(leaf, "/hello");
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        assertTrue(refused.body().contains("rate limit"), refused.body());
        assertEquals(List.of("tenant-web"), host.container("tenant").orElseThrow().status().children());
        var e = assertThrows(IllegalArgumentException.class,
                () -> host.create(ContainerConfig.leaf("x", ContainerPolicies.NONE).under("tenant-web")));
        assertTrue(e.getMessage().contains("leaf"), e.getMessage());
    }

    @Test
    void quotasAreReadableAndWritableAsMXBeans() throws Exception {
        var c = host.create(ContainerConfig.leaf("jmx", ContainerPolicies.builder().rate("rubis.tx", 10).build()));
        var domainName = new ObjectName("isohost:type=ResourceDomain,container=jmx,resource=rubis.tx");
        assertEquals(10.0, mbeans.getAttribute(domainName, "RateLimit"));
        mbeans.setAttribute(domainName, new javax.management.Attribute("RateLimit", 50.0));
        assertEquals(50.0, c.domain("rubis.tx").orElseThrow().policy(io.isohost.rm.policy.RateLimitPolicy.class)
                .orElseThrow().rate());
        var containerName = new ObjectName("isohost:type=ServiceContainer,name=jmx");
        mbeans.setAttribute(containerName, new javax.management.Attribute("MaxConcurrency", 8));
        assertEquals(8, c.policies().maxConcurrency());
        assertThrows(Exception.class, () -> mbeans.setAttribute(domainName, new javax.management.Attribute("RateLimit", -5.0)));
        assertEquals(50.0, mbeans.getAttribute(domainName, "RateLimit"), "a refused quota changes nothing");
        host.destroy("jmx", Duration.ofSeconds(1));
        assertFalse(mbeans.isRegistered(domainName), "a destroyed container leaves no bean behind");
        assertFalse(mbeans.isRegistered(containerName));
    }

    @Test
    void badInputIsNamedAndLeavesNothingHalfMade() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        var missingJar = assertThrows(IsolateException.class, () -> c.install(ComponentSpec.builder("x")
                .artifacts(tmp.resolve("nope.jar")).servlets(ServletMapping.of("demo.Hello", "/x")).build()));
        assertTrue(missingJar.getMessage().contains("nope.jar"), missingJar.getMessage());
        var missingClass = assertThrows(IsolateException.class, () -> c.install(servlet("y", "demo.Missing", "/y")));
        assertTrue(missingClass.getMessage().contains("demo.Missing"), missingClass.getMessage());
        assertTrue(c.isolates().isEmpty(), "no half-made isolate is left");
        assertFalse(Files.exists(tmp.resolve("data/containers/c1/y")));

        var unknown = assertThrows(IllegalArgumentException.class, () -> host.create(
                ContainerConfig.leaf("c2", ContainerPolicies.builder().rate("no.such", 5).build())));
        assertTrue(unknown.getMessage().contains("no.such"), unknown.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> host.create(
                ContainerConfig.leaf("c3", ContainerPolicies.builder().rate("requests", -1).build())));
        assertTrue(negative.getMessage().contains("rate"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> host.create(
                ContainerConfig.leaf("c4", ContainerPolicies.builder().cpuShare(3.0).build())));
        try (var taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var busyPort = assertThrows(IllegalStateException.class, () -> host.create(
                    ContainerConfig.leaf("c5", ContainerPolicies.NONE).withPort(taken.getLocalPort())));
            assertTrue(busyPort.getMessage().contains(Integer.toString(taken.getLocalPort())), busyPort.getMessage());
        }
        assertEquals(List.of("c1"), host.containers().stream().map(ServiceContainer::name).toList());
        assertFalse(mbeans.isRegistered(new ObjectName("isohost:type=ServiceContainer,name=c5")));
        var dup = assertThrows(IllegalArgumentException.class, () -> host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE)));
        assertTrue(dup.getMessage().contains("already exists"));
        c.install(servlet("hello", "demo.Hello", "/hello"));
        var clash = assertThrows(IsolateException.class, () -> c.install(servlet("hello2", "demo.Hello", "/hello")));
        assertTrue(clash.getMessage().contains("/hello"), clash.getMessage());
    }

    @Test
    void uninstallingAComponentStopsItAndRemovesItsRoutes() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        var iso = c.install(servlet("hello", "demo.Hello", "/hello"));
        assertEquals(200, get(c, "/hello").statusCode());
        assertTrue(c.uninstall("hello", Duration.ofSeconds(1)));
        assertEquals(IsolateState.STOPPED, iso.state());
        assertEquals(404, get(c, "/hello").statusCode());
        assertFalse(c.uninstall("hello", Duration.ofSeconds(1)));
    }

    @Test
    void policiesRetuneWhileTheContainerServes() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        c.install(servlet("hello", "demo.Hello", "/hello"));
        c.setQuota(new Quota.Rate("rubis.tx", 5));
        assertEquals(5.0, c.policies().rates().get("rubis.tx").perSecond());
        c.setQuota(new Quota.Rate("rubis.tx", 0));
        assertTrue(c.policies().rates().isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> c.setQuota(new Quota.Rate("nope", 3)));
        assertTrue(e.getMessage().contains("nope"));
        c.setQuota(new Quota.CpuShare(0.5));
        assertEquals(0.5, c.policies().cpuShare());
        ResourceDomain requests = c.domain(Resource.REQUESTS.name()).orElseThrow();
        assertEquals(200, get(c, "/hello").statusCode());
        assertEquals(1, requests.usage().consumed(), "every request passes the requests domain");
    }

    @Test
    void applyingAPolicySetRetunesEveryFieldInPlaceAndABadValueChangesNothing() throws Exception {
        host.resources().registerCounted("rubis.tx");
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.builder()
                .rate("rubis.tx", new RateSpec(10, 1, Duration.ofSeconds(5))).rate("requests", 100)
                .cpuShare(0.5).cpuGuarantee(0.1).maxConcurrency(4).allocationBytesPerSecond(1_000_000).build()));
        var rate = c.domain("rubis.tx").orElseThrow().policies().getFirst();
        var want = ContainerPolicies.builder().rate("rubis.tx", new RateSpec(20, 5, Duration.ofMillis(250)))
                .cpuShare(0.25).cpuGuarantee(0.2).maxConcurrency(8).allocationBytesPerSecond(2_000_000).build();
        assertTrue(c.applyPolicies(want));
        assertEquals(want, c.policies(), "every field, burst and maximum wait included");
        assertSame(rate, c.domain("rubis.tx").orElseThrow().policies().getFirst(), "a policy that stays is retuned, not replaced");
        assertTrue(c.domain("requests").orElseThrow().policy(io.isohost.rm.policy.RateLimitPolicy.class).isEmpty());
        assertFalse(c.applyPolicies(want), "an equal set changes nothing");

        var bad = ContainerPolicies.builder().rate("rubis.tx", 30).cpuShare(0.75).maxConcurrency(-1).build();
        assertThrows(IllegalArgumentException.class, () -> c.applyPolicies(bad));
        assertEquals(want, c.policies(), "a refused set changes nothing");
        var unknown = ContainerPolicies.builder().rate("nope", 3).cpuShare(0.75).build();
        assertThrows(IllegalArgumentException.class, () -> c.applyPolicies(unknown));
        assertEquals(want, c.policies());

        assertTrue(c.applyPolicies(ContainerPolicies.NONE));
        assertEquals(ContainerPolicies.NONE, c.policies());
    }

    @Test
    void quotaWritesFromJmxAndJavaMeetInOnePolicySet() throws Exception {
        var c = host.create(ContainerConfig.leaf("c1", ContainerPolicies.NONE));
        var cpuBean = new ObjectName("isohost:type=ResourceDomain,container=c1,resource=cpu-time");
        var requestsBean = new ObjectName("isohost:type=ResourceDomain,container=c1,resource=requests");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writes.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        double share = i % 2 == 0 ? 0 : 0.5;
                        if (thread % 2 == 0) {
                            mbeans.setAttribute(cpuBean, new javax.management.Attribute("CpuShare", share));
                        } else {
                            c.setQuota(new Quota.CpuShare(share == 0 ? 0 : 0.25));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        var cpu = c.domain("cpu-time").orElseThrow();
        assertTrue(cpu.policies().stream().filter(p -> p instanceof io.isohost.rm.policy.CpuSharePolicy).count() <= 1,
                "one CPU-share policy at most: " + cpu.policies());
        var e = assertThrows(Exception.class, () -> mbeans.setAttribute(requestsBean, new javax.management.Attribute("CpuShare", 0.5)));
        assertTrue(String.valueOf(e.getCause()).contains("cpu-time"), e.toString());
    }
}
