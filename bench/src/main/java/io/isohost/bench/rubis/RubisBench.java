package io.isohost.bench.rubis;

import io.isohost.bench.Results;
import io.isohost.container.ServiceContainer;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.DaemonSettings;
import io.isohost.rubis.Population;
import io.isohost.rubis.client.Emulator;
import io.isohost.rubis.client.EmulatorConfig;
import io.isohost.rubis.client.EmulatorResult;
import io.isohost.rubis.client.InteractionResult;
import io.isohost.rubis.client.Mix;
import io.isohost.rubis.client.PhaseResult;
import io.isohost.rubis.db.DatabaseAccess;
import io.isohost.rubis.db.Loader;

import javax.management.MBeanServerFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * RUBiS on a real isohost host, three ways:
 * <ul>
 *   <li>{@code throughput}: the browsing mix with think time 0 against one unlimited container;</li>
 *   <li>{@code staircase}: the paper's Figure 2 — containers of 10 {@code rubis.tx}/s, one more
 *       allocated every period, nothing else done by hand;</li>
 *   <li>{@code sla}: "bids answered faster than browsing", per-component against replicate-all
 *       at the same allocation.</li>
 * </ul>
 * Host, database, balancer and emulator share this JVM and the machine's cores; every run is
 * bounded in time.
 */
public final class RubisBench {
    private static final Path DESCRIPTOR = Path.of("docs/examples/rubis.xml");
    private static final Path TARGET = Path.of("examples-rubis/target").toAbsolutePath();
    private static final Set<String> BID = Set.of("PutBidAuth", "PutBid", "StoreBid");
    private static final Set<String> BROWSE = Set.of("BrowseCategories", "BrowseRegions", "SearchItemsInCategory",
            "SearchItemsInRegion", "ViewItem", "ViewUserInfo", "ViewBidHistory", "BrowseCategoriesInRegion");

    private RubisBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        boolean quick = List.of(args).contains("--quick");
        switch (mode) {
            case "throughput" -> throughput(quick);
            case "staircase" -> staircase(quick);
            case "sla" -> sla(quick);
            case "all" -> {
                throughput(quick);
                staircase(quick);
                sla(quick);
            }
            default -> {
                System.err.println("usage: RubisBench throughput|staircase|sla|all [--quick]");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    // ---- a host with RUBiS on it ----

    public record Host(Daemon daemon, int dbPort, Path dir) implements AutoCloseable {
        public String url() {
            return daemon.routerUri().orElseThrow().toString().replaceAll("/$", "");
        }

        /** rubis.tx consumed so far by the service's containers. */
        long transactions() {
            long sum = 0;
            for (ServiceContainer c : daemon.containers().containers()) {
                sum += c.domain("rubis.tx").map(d -> d.usage().consumed()).orElse(0L);
            }
            return sum;
        }

        long cpuNanos(String container) {
            return daemon.containers().container(container).flatMap(c -> c.domain("cpu-time")).map(d -> d.usage().charged()).orElse(0L);
        }

        @Override
        public void close() {
            daemon.close();
        }
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts a host and submits RUBiS from docs/examples/rubis.xml with this build's artifacts,
     * {@code ratePerContainer} rubis.tx/s (0 = unlimited), {@code containers} allocated and the
     * given generator, then loads a database of {@code scale}.
     */
    public static Host start(String generator, double ratePerContainer, int containers, double scale) throws Exception {
        Path dir = Files.createTempDirectory("rubis-bench");
        int first = freePort();
        var settings = DaemonSettings.defaults().withDataDirectory(dir.resolve("data")).withPorts(freePort(), freePort())
                .withRouterPort(freePort()).withContainerPorts(first, first + 99).withArtifactRoots(List.of(TARGET));
        Daemon daemon = Daemon.start(settings, MBeanServerFactory.newMBeanServer());
        int dbPort = freePort();
        String rate = ratePerContainer > 0 ? "<rate resource=\"rubis.tx\" per-second=\"" + ratePerContainer + "\"/>" : "";
        String xml = Files.readString(DESCRIPTOR)
                .replace("../../examples-rubis/target", TARGET.toString())
                .replace("7190", Integer.toString(dbPort))
                .replace("<rate resource=\"rubis.tx\" per-second=\"10\"/>", rate)
                .replace("<containers shape=\"rubis-10tx\" count=\"1\"/>", "<containers shape=\"rubis-10tx\" count=\"" + containers + "\"/>")
                .replace("<generator name=\"replicate-all\"/>", "<generator name=\"" + generator + "\"/>");
        Path file = dir.resolve("rubis.xml");
        Files.writeString(file, xml);
        daemon.services().submit(file);
        Population p = Population.ofScale(scale);
        long t0 = System.nanoTime();
        DatabaseAccess access = DatabaseAccess.read(DatabaseAccess.find(settings.dataDirectory().resolve("services"), "rubis", "rubis-db"));
        try (Connection c = access.connectAsAdmin()) {
            new Loader(c, p, 1, rows -> { }).load();
        }
        System.err.printf(Locale.ROOT, "rubis: %s, %d container(s) of %s tx/s, database scale %s loaded in %.1f s%n", generator,
                containers, ratePerContainer > 0 ? ratePerContainer : "unlimited", scale, (System.nanoTime() - t0) / 1e9);
        return new Host(daemon, dbPort, dir);
    }

    static EmulatorResult emulate(Host host, Mix mix, int clients, Duration measure, Duration upRamp, double scale) throws Exception {
        var config = EmulatorConfig.builder().url(host.url()).mix(mix).clients(clients).thinkMeanMs(0).scale(scale).seed(1)
                .measurement(measure).upRamp(upRamp).downRamp(Duration.ofSeconds(1)).progress(true).build();
        return Emulator.run(config);
    }

    // ---- throughput ----

    static void throughput(boolean quick) throws Exception {
        double scale = quick ? 0.02 : 0.1;
        int clients = Integer.getInteger("rubis.clients", 16);
        Duration measure = Duration.ofSeconds(quick ? 10 : 30);
        try (Host host = start("replicate-all", 0, 1, scale)) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            // warm up (JIT, pools, H2's caches), then measure with CPU attributed by thread
            emulate(host, Mix.BROWSING, clients, Duration.ofSeconds(quick ? 3 : 10), Duration.ofSeconds(1), scale);
            double loadAtStart = os.getSystemLoadAverage();
            Map<String, Long> threads0 = ThreadCpu.byRole();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            var limits = new java.util.concurrent.ConcurrentLinkedQueue<Double>();
            var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> host.daemon().metrics().registry().find("isohost_lb_limit").tag("backend", "rubis-1")
                    .gauges().forEach(g -> limits.add(g.value())), 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            EmulatorResult r = emulate(host, Mix.BROWSING, clients, measure, Duration.ofSeconds(1), scale);
            double wall = (System.nanoTime() - t0) / 1e9;
            sampler.shutdownNow();
            var limitStats = limits.stream().mapToDouble(Double::doubleValue).summaryStatistics();
            double cores = Runtime.getRuntime().availableProcessors();
            double process = (os.getProcessCpuTime() - cpu0) / 1e9 / wall / cores * 100;
            Map<String, Object> cpuByRole = new LinkedHashMap<>();
            Map<String, Double> used = new java.util.TreeMap<>();
            ThreadCpu.byRole().forEach((role, ns) -> used.merge(role.startsWith("other") ? "other threads" : role,
                    (ns - threads0.getOrDefault(role, 0L)) / 1e9 / wall / cores * 100, Double::sum));
            used.forEach((role, pct) -> cpuByRole.put(role, Results.round(pct)));
            double listed = cpuByRole.values().stream().mapToDouble(v -> (Double) v).sum();
            cpuByRole.put("unattributed (JIT compiler, GC, virtual-thread carriers)", Results.round(process - listed));
            PhaseResult m = r.measurement();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("mix", "browsing");
            figures.put("clients", clients);
            figures.put("thinkMs", 0);
            figures.put("scale", scale);
            figures.put("pagesPerSecond", Results.round(m.pagesPerSecond()));
            figures.put("originalCountPerSecond", Results.round(m.originalPerSecond()));
            figures.put("errors", m.errors());
            figures.put("p50Ms", m.p50Ms());
            figures.put("p99Ms", m.p99Ms());
            figures.put("cpuPercentOfHostWholeProcess", Results.round(process));
            figures.put("loadAverageAtStart", Results.round(loadAtStart));
            figures.put("balancerLimitN", Map.of("min", limitStats.getMin(), "mean", Results.round(limitStats.getAverage()), "max", limitStats.getMax()));
            figures.put("cpuPercentOfHostByRole", cpuByRole);
            String md = String.format(Locale.ROOT, """
                    # RUBiS throughput: browsing mix, think time 0, one host

                    %d clients, database scale %s (%,d users, %,d open auctions), one unlimited application-server container
                    plus the database's; host, balancer, database and emulator share %d cores. One run of %d s after a
                    warm-up; the machine's 1-minute load average was %.1f when it started (other work slows every figure).

                    | figure | value |
                    |---|---|
                    | real page requests/s (goal ≥ 1,000) | **%,.0f** |
                    | the original emulator's count/s (with Back/End pseudo-steps) | %,.0f |
                    | errors | %d |
                    | latency p50 / p99 | %.1f / %.1f ms |
                    | CPU of the host, whole process | %.0f%% |
                    | balancer's bound N on the application server (min / mean / max, sampled each second) | %.0f / %.1f / %.0f |

                    Where the CPU went (%% of the host's %d cores, by thread, during the measured run):

                    | role | CPU |
                    |---|---|
                    %s
                    """, clients, scale, Population.ofScale(scale).users(), Population.ofScale(scale).activeItems(), (int) cores,
                    measure.toSeconds(), loadAtStart, m.pagesPerSecond(), m.originalPerSecond(), m.errors(), m.p50Ms(), m.p99Ms(), process, limitStats.getMin(), limitStats.getAverage(), limitStats.getMax(), (int) cores,
                    String.join("\n", cpuByRole.entrySet().stream().map(e -> "| " + e.getKey() + " | " + e.getValue() + "% |").toList()));
            Results.write("rubis-throughput", Results.document(figures), md + "\n" + r.toMarkdown());
        }
    }

    // ---- Figure 2 ----

    static void staircase(boolean quick) throws Exception {
        int steps = quick ? 3 : 5;
        int period = quick ? 10 : 20;
        int skip = 3; // seconds after each allocation before the step is measured
        double scale = 0.01;
        try (Host host = start("replicate-all", 10, 1, scale)) {
            Duration total = Duration.ofSeconds((long) steps * period);
            var run = CompletableFuture.supplyAsync(() -> {
                try {
                    return emulate(host, Mix.BROWSING, 24 * steps, total, Duration.ofSeconds(1), scale);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000); // the emulator's up-ramp
            List<double[]> series = new ArrayList<>(); // second, tx/s
            List<Map<String, Object>> stepFigures = new ArrayList<>();
            long start = System.nanoTime();
            long last = host.transactions();
            for (int step = 1; step <= steps; step++) {
                if (step > 1) {
                    host.daemon().services().allocate("rubis", step);
                }
                long stepStart = 0;
                double stepStartSec = 0;
                for (int s = 0; s < period; s++) {
                    long deadline = start + ((long) (step - 1) * period + s + 1) * 1_000_000_000L;
                    Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                    long now = host.transactions();
                    double sec = (System.nanoTime() - start) / 1e9;
                    series.add(new double[]{sec, now - last});
                    last = now;
                    if (s == skip - 1) {
                        stepStart = now;
                        stepStartSec = sec;
                    }
                }
                double rate = (last - stepStart) / ((System.nanoTime() - start) / 1e9 - stepStartSec);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("containers", step);
                f.put("txPerSecond", Results.round(rate));
                f.put("expected", step * 10);
                f.put("deviationPercent", Results.round((rate - step * 10) / (step * 10) * 100));
                stepFigures.add(f);
                System.err.printf(Locale.ROOT, "staircase: %d container(s): %.2f rubis.tx/s%n", step, rate);
            }
            EmulatorResult r = run.get();
            StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
                    # RUBiS Figure 2: one more container of 10 rubis.tx/s every %d s

                    Replicate-all generator; the allocation is raised through the service API and the host creates the
                    container, installs the replica, starts it and routes to it. Browsing mix, %d clients, think time 0.
                    Each step is measured after its first %d s. Plot: [rubis-staircase.svg](rubis-staircase.svg).

                    | containers | rubis.tx/s | expected | deviation |
                    |---|---|---|---|
                    """, period, 24 * steps, skip));
            for (var f : stepFigures) {
                md.append(String.format(Locale.ROOT, "| %d | %.2f | %d | %+.2f%% |%n", f.get("containers"), f.get("txPerSecond"),
                        f.get("expected"), f.get("deviationPercent")));
            }
            md.append(String.format(Locale.ROOT, "%nEmulator: %,d pages answered in the run, %,d errors (503s from the rate policy or the balancer's queue bound).%n",
                    r.measurement().pageRequests(), r.measurement().errors()));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("periodSeconds", period);
            figures.put("steps", stepFigures);
            figures.put("series", series.stream().map(p -> List.of(Results.round(p[0]), p[1])).toList());
            Files.createDirectories(Path.of("bench/results"));
            Files.writeString(Path.of(System.getProperty("bench.results", "bench/results")).resolve("rubis-staircase.svg"),
                    Staircase.svg(series, steps, period));
            Results.write("rubis-staircase", Results.document(figures), md.toString());
        }
    }

    // ---- the component-level demonstration ----

    static void sla(boolean quick) throws Exception {
        int containers = 4;
        Duration measure = Duration.ofSeconds(quick ? 15 : 40);
        Map<String, Object> figures = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
                # RUBiS SLA "bids answered faster than browsing": per-component vs replicate-all

                The same allocation for both: %d containers of 10 rubis.tx/s. Bidding mix, 40 clients, think time 0,
                %d s measured after a 12 s up-ramp (the performance loop ticks every 10 s). Bid pages: PutBidAuth, PutBid,
                StoreBid; browse pages: the category/region/item/user/bid-history pages. Latencies are p50 / p90 over those pages,
                weighted by their counts. The SLA (docs/examples/rubis.xml) is met when bid pages answer within 200 ms (p90)
                and faster than browse pages.

                | generator | bid p50 | bid p90 | browse p50 | browse p90 | SLA met? | pages/s | errors |
                |---|---|---|---|---|---|---|---|
                """, containers, measure.toSeconds()));
        for (String generator : List.of("per-component", "replicate-all")) {
            try (Host host = start(generator, 10, containers, 0.01)) {
                EmulatorResult r = emulate(host, Mix.BIDDING, 40, measure, Duration.ofSeconds(12), 0.01);
                PhaseResult m = r.measurement();
                double[] bid = weighted(m, BID);
                double[] browse = weighted(m, BROWSE);
                // the descriptor's SLA: bid pages within 200 ms, and faster than browsing
                boolean met = bid[1] <= 200 && bid[0] < browse[0] && bid[1] < browse[1];
                figures.put(generator, Map.of("bidP50Ms", Results.round(bid[0]), "bidP90Ms", Results.round(bid[1]),
                        "browseP50Ms", Results.round(browse[0]), "browseP90Ms", Results.round(browse[1]), "slaMet", met,
                        "pagesPerSecond", Results.round(m.pagesPerSecond()), "errors", m.errors(),
                        "routes", host.daemon().services().service("rubis").orElseThrow().deployment().routes().toString()));
                md.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %s | %.1f | %d |%n", generator, bid[0], bid[1],
                        browse[0], browse[1], met ? "**yes**" : "no", m.pagesPerSecond(), m.errors()));
            }
        }
        Results.write("rubis-sla", Results.document(figures), md.toString());
    }

    /** Count-weighted p50 and p90 over the named states. */
    static double[] weighted(PhaseResult m, Set<String> states) {
        double n = 0;
        double p50 = 0;
        double p90 = 0;
        for (InteractionResult i : m.interactions()) {
            if (states.contains(i.state()) && i.count() > 0) {
                n += i.count();
                p50 += i.p50Ms() * i.count();
                p90 += i.p90Ms() * i.count();
            }
        }
        return n == 0 ? new double[]{Double.NaN, Double.NaN} : new double[]{p50 / n, p90 / n};
    }
}
