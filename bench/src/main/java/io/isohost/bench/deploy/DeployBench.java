package io.isohost.bench.deploy;

import io.isohost.bench.Results;
import io.isohost.container.ComponentCompiler;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.DaemonSettings;
import io.isohost.bench.rubis.RubisBench;
import io.isohost.rubis.client.Emulator;
import io.isohost.rubis.client.EmulatorConfig;
import io.isohost.rubis.client.EmulatorResult;
import io.isohost.rubis.client.Mix;
import io.isohost.rubis.client.PhaseResult;

import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deployment figures: from submit to every component serving for a RUBiS-sized descriptor (an
 * application server with 20 embedded servlets), and hot swaps of the generator under continuous
 * load (failed requests, time to the new deployment). Writes bench/results/deploy.{json,md}.
 */
public final class DeployBench {
    private static final String SERVLET = """
            package bench;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Page extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("text/html");
                    resp.getWriter().print("<html><body>" + getServletName() + "</body></html>");
                }
            }
            """;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        if (List.of(args).contains("--rubis-only")) { // the RUBiS case alone, printed, not written to bench/results
            int swaps = List.of(args).contains("--no-swaps") ? 0 : quick ? 6 : 20;
            System.out.println(rubisSwaps(quick, swaps));
            System.exit(0);
        }
        int rounds = quick ? 3 : 10;
        int swaps = quick ? 4 : 20;
        Path work = Files.createTempDirectory("deploy-bench");
        ComponentCompiler.compile(work.resolve("classes"), Map.of("bench.Page", SERVLET));
        var settings = DaemonSettings.defaults().withDataDirectory(work.resolve("data"))
                .withPorts(freePort(), freePort()).withContainerPorts(25000, 25999);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Object> results = new LinkedHashMap<>();
        try (Daemon daemon = Daemon.start(settings)) {
            // warm-up: the JIT and Jetty's classes, as on a host that has run for a while
            for (int i = 0; i < 3; i++) {
                submitAndWait(daemon, work, "warm" + i, http);
            }
            List<Double> submitMs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                submitMs.add(submitAndWait(daemon, work, "rubis" + i, http));
                System.err.printf(Locale.ROOT, "submit round %d/%d: %.1f ms%n", i + 1, rounds, submitMs.getLast());
            }
            results.put("submit_to_serving_ms", Results.stats(submitMs));

            // hot swap under load on the last service
            String service = "rubis" + (rounds - 1);
            List<URI> urls = new ArrayList<>();
            for (URI ep : daemon.deployments().balancer().endpoints(new io.isohost.lb.RouteKey(service, "s1")).stream().map(io.isohost.lb.Endpoint::uri).toList()) {
                for (int s = 1; s <= 20; s++) {
                    urls.add(ep.resolve("/" + service + "/s" + s));
                }
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            long loadDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int c = 0; c < 4; c++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    while (running.get() && System.nanoTime() < loadDeadline) {
                        URI u = urls.get(ThreadLocalRandom.current().nextInt(urls.size()));
                        try {
                            var r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(10)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            (r.statusCode() == 200 ? ok : failed).incrementAndGet();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(1000);
            List<Double> swapMs = new ArrayList<>();
            for (int i = 0; i < swaps; i++) {
                String gen = i % 2 == 0 ? "per-component" : "replicate-all";
                long t0 = System.nanoTime();
                daemon.services().swapGenerator(service, gen, Map.of());
                swapMs.add((System.nanoTime() - t0) / 1e6);
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
            Map<String, Object> swap = new LinkedHashMap<>();
            swap.put("swaps", swaps);
            swap.put("requests_ok", ok.get());
            swap.put("requests_failed", failed.get());
            swap.put("time_to_new_deployment_ms", Results.stats(swapMs));
            results.put("hot_swap", swap);
        }
        results.put("rubis_swaps", rubisSwaps(quick, quick ? 6 : 20));
        write(results, rounds, swaps);
        System.exit(0);
    }

    /**
     * RUBiS under its client emulator (browsing and bidding, no think time) while its generator is
     * swapped per-component ↔ replicate-all and its allocation raised and lowered: every page the
     * emulator asked for through the balancer, and how many failed. rubis.tx is not rate-limited here,
     * so that every error is the swap's.
     */
    private static Map<String, Object> rubisSwaps(boolean quick, int swaps) throws Exception {
        double scale = 0.01;
        Map<String, Object> out = new LinkedHashMap<>();
        try (var host = RubisBench.start("replicate-all", 0, 2, scale)) {
            var services = host.daemon().services();
            AtomicBoolean swapping = new AtomicBoolean(true);
            List<Double> changeMs = new ArrayList<>();
            List<String> changes = new ArrayList<>();
            Thread changer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(3_000); // the emulator's up-ramp
                    for (int i = 0; i < swaps; i++) {
                        long t0 = System.nanoTime();
                        String gen = i % 2 == 0 ? "per-component" : "replicate-all";
                        services.swapGenerator("rubis", gen, Map.of());
                        changes.add(gen);
                        if (i % 5 == 2) { // allocations up and down between swaps
                            services.allocate("rubis", 3);
                            services.allocate("rubis", 2);
                            changes.add("allocate 3, 2");
                        }
                        changeMs.add((System.nanoTime() - t0) / 1e6);
                        System.err.printf(Locale.ROOT, "rubis swap %d/%d to %s: %.0f ms%n", i + 1, swaps, gen, changeMs.getLast());
                        Thread.sleep(500);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    swapping.set(false);
                }
            });
            // the emulator runs until the changes are done (its measurement is long enough for them), then ends
            var config = EmulatorConfig.builder().url(host.url()).mix(Mix.BIDDING).clients(8).thinkMeanMs(0).scale(scale).seed(1)
                    .measurement(Duration.ofSeconds(quick ? 45 : 150)).upRamp(Duration.ofSeconds(2)).downRamp(Duration.ofSeconds(1))
                    .progress(false).build();
            EmulatorResult r = Emulator.run(config);
            boolean doneUnderLoad = !swapping.get();
            changer.join(120_000);
            long pages = r.phases().stream().mapToLong(PhaseResult::pageRequests).sum();
            long errors = r.phases().stream().mapToLong(PhaseResult::errors).sum();
            out.put("swaps", swaps);
            out.put("changes", changes.size());
            out.put("all_changes_under_load", doneUnderLoad);
            out.put("interactions", pages);
            out.put("failed_interactions", errors);
            out.put("change_ms", changeMs.isEmpty() ? Map.of() : Results.stats(changeMs));
            System.err.println(r.toMarkdown());
        }
        return out;
    }

    private static double submitAndWait(Daemon daemon, Path work, String name, HttpClient http) throws Exception {
        StringBuilder xml = new StringBuilder("""
                <service xmlns="urn:isohost:service:1" name="%s" tenant="bench">
                  <shapes><shape name="app"><rate resource="requests" per-second="100000"/></shape></shapes>
                  <allocation><containers shape="app" count="2"/></allocation>
                  <components>
                    <component name="web-%s" role="application-server"><artifact>classes</artifact></component>
                """.formatted(name, name));
        for (int s = 1; s <= 20; s++) {
            xml.append("""
                        <embedded-component name="s%d" application-server="web-%s">
                          <servlet class="bench.Page" name="s%d"><url-pattern>/%s/s%d</url-pattern></servlet>
                        </embedded-component>
                    """.formatted(s, name, s, name, s));
        }
        xml.append("  </components>\n  <generator name=\"replicate-all\"/>\n</service>\n");
        Path file = work.resolve(name + ".xml");
        Files.writeString(file, xml);
        long t0 = System.nanoTime();
        daemon.services().submit(file);
        for (URI ep : daemon.deployments().balancer().endpoints(new io.isohost.lb.RouteKey(name, "s1")).stream().map(io.isohost.lb.Endpoint::uri).toList()) {
            for (int s = 1; s <= 20; s++) {
                var r = http.send(HttpRequest.newBuilder(ep.resolve("/" + name + "/s" + s)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(ep + "/" + name + "/s" + s + " answered " + r.statusCode());
                }
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> r, int rounds, int swaps) throws Exception {
        Map<String, Object> doc = Results.document(r);
        var submit = (Map<String, Object>) r.get("submit_to_serving_ms");
        var rubis = (Map<String, Object>) r.get("rubis_swaps");
        var rubisMs = (Map<String, Object>) rubis.get("change_ms");
        var swap = (Map<String, Object>) r.get("hot_swap");
        var swapMs = (Map<String, Object>) swap.get("time_to_new_deployment_ms");
        double median = (double) submit.get("median");
        double swapMax = (double) swapMs.get("max");
        String md = """
                # Deployment figures (%s, %d cores, JDK %s)

                | figure | goal | measured | |
                |---|---|---|---|
                | submit → all 20 servlets serving on 2 containers (median of %d) | ≤ 1000 ms | %.1f ms (p90 %.1f, max %.1f) | %s |
                | hot swap under load: failed requests (%d swaps, %d requests) | 0 | %d | %s |
                | hot swap: time to the new deployment (median / max) | ≤ 1000 ms | %.1f / %.1f ms | %s |
                | RUBiS under its emulator, %d swaps per-component ↔ replicate-all and %d allocations up and down (2 → 3 → 2): failed interactions | 0 | %d of %d | %s |
                | RUBiS swap: time to apply, drains included (median / max) | | %.0f / %.0f ms | |

                Run: `bench/deploy/run.sh` (one embedded host, loopback; 4 closed-loop clients during the swaps).
                The RUBiS case runs the bidding mix with 8 clients and no think time through the host's balancer,
                database scale 0.01, rubis.tx not rate-limited; all changes happened while the emulator ran: %s.
                A failed interaction is an HTTP error or a RUBiS error page (the emulator draws new users' ids from
                10^12, so a registration does not meet a taken nickname by chance, see docs/rubis.md).
                """.formatted(doc.get("date"), doc.get("cores"), doc.get("jdk"), rounds, median, (double) submit.get("p90"),
                (double) submit.get("max"), median <= 1000 ? "pass" : "miss", swaps,
                (int) swap.get("requests_ok") + (int) swap.get("requests_failed"), (int) swap.get("requests_failed"),
                (int) swap.get("requests_failed") == 0 ? "pass" : "miss", (double) swapMs.get("median"), swapMax,
                swapMax <= 1000 ? "pass" : "miss", (int) rubis.get("swaps"), (int) rubis.get("changes") - (int) rubis.get("swaps"),
                (long) rubis.get("failed_interactions"), (long) rubis.get("interactions"),
                (long) rubis.get("failed_interactions") == 0 ? "pass" : "miss", (double) rubisMs.get("median"),
                (double) rubisMs.get("max"), rubis.get("all_changes_under_load"));
        Results.write("deploy", doc, md);
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
