package io.isohost.bench.isolation;

import io.isohost.bench.Results;
import io.isohost.container.ComponentCompiler;
import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerHost;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.HostSettings;
import io.isohost.container.ServiceContainer;
import io.isohost.container.ServletMapping;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceContext;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.Resources;
import io.isohost.rm.WorkMeter;
import io.isohost.rm.policy.RateLimitPolicy;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Isolation figures: container + isolate + first reply, 1,000 idle isolates, rate accuracy, CPU-share
 * accuracy and the cost of consume. Writes bench/results/isolation.{json,md}.
 */
public final class IsolationBench {
    private static final String HELLO = """
            package bench;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Hello extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    io.isohost.rm.Resources.consume("rubis.tx", 1);
                    resp.getWriter().print("hello");
                }
            }
            """;
    private static final String BURN = """
            package bench;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Burn extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    var bean = java.lang.management.ManagementFactory.getThreadMXBean();
                    long end = bean.getCurrentThreadCpuTime() + 20_000_000L;
                    long x = 0;
                    while (bean.getCurrentThreadCpuTime() < end) { x += System.nanoTime() % 7; }
                    resp.getWriter().print(x);
                }
            }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path work;
    private final Path classes;
    private final boolean quick;

    private IsolationBench(boolean quick) throws Exception {
        this.quick = quick;
        this.work = Files.createTempDirectory("isolation-bench");
        this.classes = ComponentCompiler.compile(work.resolve("classes"), Map.of("bench.Hello", HELLO, "bench.Burn", BURN));
    }

    public static void main(String[] args) throws Exception {
        var bench = new IsolationBench(List.of(args).contains("--quick"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("container_start", bench.containerStart());
        r.put("idle_isolates", bench.idleIsolates());
        r.put("rate_accuracy", bench.rateAccuracy());
        r.put("cpu_share_accuracy", bench.cpuShare());
        r.put("consume_cost", consumeCost());
        write(r);
    }

    private ContainerHost host(int first) {
        var h = ContainerHost.create(new HostSettings(work.resolve("data-" + first), "127.0.0.1", first, first + 1999,
                null));
        h.resources().registerCounted("rubis.tx");
        return h;
    }

    private int get(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private ComponentSpec hello(String name, String pattern) {
        return ComponentSpec.builder(name).artifacts(classes).servlets(ServletMapping.of("bench.Hello", pattern)).build();
    }

    /** New container + java isolate + first HTTP reply, on a warm host. */
    private Map<String, Object> containerStart() throws Exception {
        try (var host = host(30000)) {
            int warm = 30;
            int rounds = quick ? 30 : 100;
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < warm + rounds; i++) {
                long t0 = System.nanoTime();
                ServiceContainer c = host.create(ContainerConfig.leaf("c" + i, ContainerPolicies.NONE));
                c.install(hello("hello", "/hello"));
                int status = get(c.endpoint().orElseThrow().resolve("/hello"));
                double elapsed = (System.nanoTime() - t0) / 1e6;
                if (status != 200) {
                    throw new IllegalStateException("first reply was " + status);
                }
                if (i >= warm) {
                    ms.add(elapsed);
                }
                host.destroy(c.name(), Duration.ofSeconds(1));
            }
            Map<String, Object> st = Results.stats(ms);
            System.err.printf(Locale.ROOT, "container start: median %.1f ms%n", (double) st.get("median"));
            return st;
        }
    }

    /** 1,000 idle java isolates, 10 per container, each with a small servlet. */
    private Map<String, Object> idleIsolates() throws Exception {
        int containers = 100;
        int perContainer = 10;
        try (var host = host(32000)) {
            var mem = ManagementFactory.getMemoryMXBean();
            var threads = ManagementFactory.getThreadMXBean();
            gc();
            long heapBefore = mem.getHeapMemoryUsage().getUsed();
            int threadsBefore = threads.getThreadCount();
            long t0 = System.nanoTime();
            for (int c = 0; c < containers; c++) {
                ServiceContainer sc = host.create(ContainerConfig.leaf("idle" + c, ContainerPolicies.NONE));
                for (int i = 0; i < perContainer; i++) {
                    sc.install(hello("h" + i, "/h" + i));
                }
                if (get(sc.endpoint().orElseThrow().resolve("/h0")) != 200) {
                    throw new IllegalStateException("idle" + c + " does not answer");
                }
            }
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2000); // let request threads go idle
            gc();
            long heapAfter = mem.getHeapMemoryUsage().getUsed();
            int threadsAfter = threads.getThreadCount();
            int isolates = containers * perContainer;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("isolates", isolates);
            m.put("containers", containers);
            m.put("start_all_seconds", Results.round(startSeconds));
            m.put("heap_per_isolate_kib", Results.round((heapAfter - heapBefore) / 1024.0 / isolates));
            m.put("threads_per_isolate", Results.round((threadsAfter - threadsBefore) / (double) isolates));
            m.put("threads_added", threadsAfter - threadsBefore);
            System.err.println("idle isolates: " + m);
            return m;
        }
    }

    private static void gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    /** A container limited to 10 rubis.tx/s, saturated over HTTP. */
    private Map<String, Object> rateAccuracy() throws Exception {
        int seconds = quick ? 15 : 60;
        try (var host = host(34000)) {
            var c = host.create(ContainerConfig.leaf("rated", ContainerPolicies.builder()
                    .rate("rubis.tx", new io.isohost.container.RateSpec(10, 1, Duration.ofSeconds(30))).build()));
            c.install(hello("hello", "/hello"));
            URI uri = c.endpoint().orElseThrow().resolve("/hello");
            var tx = c.domain("rubis.tx").orElseThrow();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        get(uri);
                    }
                }));
            }
            Thread.sleep(2000); // past the initial burst token
            long c0 = tx.usage().consumed();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long c1 = tx.usage().consumed();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            for (Thread t : clients) {
                t.join(40_000);
            }
            double rate = (c1 - c0) / elapsed;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target_per_second", 10);
            m.put("seconds", Results.round(elapsed));
            m.put("transactions", c1 - c0);
            m.put("measured_per_second", Math.round(rate * 1000) / 1000.0);
            m.put("error_percent", Results.round(Math.abs(rate - 10) / 10 * 100));
            System.err.println("rate accuracy: " + m);
            return m;
        }
    }

    /** Two saturated containers at 25% and 75% of the host. */
    private Map<String, Object> cpuShare() throws Exception {
        int seconds = quick ? 8 : 20;
        try (var host = host(36000)) {
            var small = host.create(ContainerConfig.leaf("quarter", ContainerPolicies.builder().cpuShare(0.25).build()));
            var large = host.create(ContainerConfig.leaf("three-quarters", ContainerPolicies.builder().cpuShare(0.75).build()));
            for (var c : List.of(small, large)) {
                c.install(ComponentSpec.builder("burn").artifacts(classes).servlets(ServletMapping.of("bench.Burn", "/burn")).build());
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (var c : List.of(small, large)) {
                URI uri = c.endpoint().orElseThrow().resolve("/burn");
                for (int i = 0; i < 6; i++) {
                    clients.add(Thread.ofPlatform().start(() -> {
                        while (running.get()) {
                            get(uri);
                        }
                    }));
                }
            }
            Thread.sleep(2000);
            var sd = small.domain(Resource.CPU_TIME.name()).orElseThrow();
            var ld = large.domain(Resource.CPU_TIME.name()).orElseThrow();
            long s0 = sd.usage().charged();
            long l0 = ld.usage().charged();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long s1 = sd.usage().charged();
            long l1 = ld.usage().charged();
            double wall = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            for (Thread t : clients) {
                t.join(40_000);
            }
            double sUsed = (s1 - s0) / 1e9;
            double lUsed = (l1 - l0) / 1e9;
            int cores = host.cpu().cores();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", Results.round(wall));
            m.put("quarter_share_of_sum_percent", Results.round(100 * sUsed / (sUsed + lUsed)));
            m.put("three_quarters_share_of_sum_percent", Results.round(100 * lUsed / (sUsed + lUsed)));
            m.put("quarter_share_of_host_percent", Results.round(100 * sUsed / (cores * wall)));
            m.put("three_quarters_share_of_host_percent", Results.round(100 * lUsed / (cores * wall)));
            System.err.println("cpu share: " + m);
            return m;
        }
    }

    /** ns per call of Resources.consume on the request path, and of metering a unit of work. */
    private static Map<String, Object> consumeCost() throws Exception {
        var registry = new ResourceRegistry();
        var tx = registry.registerCounted("rubis.tx");
        var bare = registry.newDomain("bare", tx);
        var limited = registry.newDomain("limited", registry.registerCounted("bench.limited"));
        limited.addPolicy(RateLimitPolicy.perSecond(1e9).burst(1e9).build());
        var ctx = new ResourceContext("bench", registry).bind(bare).bind(limited);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("no_context_ns", time(() -> Resources.consume("rubis.tx", 1)));
        ctx.attachToCurrentThread();
        m.put("domain_without_policies_ns", time(() -> Resources.consume("rubis.tx", 1)));
        m.put("domain_with_rate_limit_ns", time(() -> Resources.consume("bench.limited", 1)));
        ResourceContext.detachCurrentThread();
        m.put("work_meter_start_stop_ns", time(() -> WorkMeter.start().stop()));
        System.err.println("consume cost: " + m);
        return m;
    }

    private static double time(Runnable r) {
        int n = 2_000_000;
        for (int i = 0; i < n; i++) {
            r.run(); // warm-up for the JIT
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                r.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
        }
        return Results.round(best);
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> r) throws Exception {
        Map<String, Object> doc = Results.document(r);
        var start = (Map<String, Object>) r.get("container_start");
        var idle = (Map<String, Object>) r.get("idle_isolates");
        var rate = (Map<String, Object>) r.get("rate_accuracy");
        var cpu = (Map<String, Object>) r.get("cpu_share_accuracy");
        var cost = (Map<String, Object>) r.get("consume_cost");
        double med = (double) start.get("median");
        double heap = (double) idle.get("heap_per_isolate_kib");
        double err = (double) rate.get("error_percent");
        double q = (double) cpu.get("quarter_share_of_sum_percent");
        String md = """
                # Isolation figures (%s, %d cores, JDK %s)

                | figure | goal | measured | |
                |---|---|---|---|
                | new container + java isolate + first HTTP reply, warm host (median of %s) | ≤ 20 ms | %.2f ms (p90 %.2f, max %.2f) | %s |
                | 1,000 idle java isolates (100 containers × 10): heap each | ≤ 5 MiB | %.1f KiB | %s |
                | 1,000 idle java isolates: idle threads each | few | %.2f (%s threads in all); all started in %.1f s | |
                | rate 10 tx/s under saturation for %.0f s | within 1%% | %.3f tx/s (%.2f%% off) | %s |
                | CPU shares 25%% / 75%%, both saturated | ±5 points | %.1f%% / %.1f%% of their sum (%.1f%% / %.1f%% of the host) | %s |
                | `Resources.consume`: no isolate / domain without policies / with a rate limit | — | %.1f / %.1f / %.1f ns | |
                | `WorkMeter.start().stop()` (thread CPU + allocation) | — | %.1f ns | |

                Run: `bench/isolation/run.sh` (`--quick` for a short smoke run). One run; the machine is noisy.
                """.formatted(doc.get("date"), doc.get("cores"), doc.get("jdk"),
                start.get("n"), med, (double) start.get("p90"), (double) start.get("max"), med <= 20 ? "pass" : "miss",
                heap, heap <= 5 * 1024 ? "pass" : "miss",
                (double) idle.get("threads_per_isolate"), idle.get("threads_added"), (double) idle.get("start_all_seconds"),
                (double) rate.get("seconds"), (double) rate.get("measured_per_second"), err, err <= 1 ? "pass" : "miss",
                q, (double) cpu.get("three_quarters_share_of_sum_percent"), (double) cpu.get("quarter_share_of_host_percent"),
                (double) cpu.get("three_quarters_share_of_host_percent"), Math.abs(q - 25) <= 5 ? "pass" : "miss",
                (double) cost.get("no_context_ns"), (double) cost.get("domain_without_policies_ns"),
                (double) cost.get("domain_with_rate_limit_ns"), (double) cost.get("work_meter_start_stop_ns"));
        Results.write("isolation", doc, md);
    }
}
