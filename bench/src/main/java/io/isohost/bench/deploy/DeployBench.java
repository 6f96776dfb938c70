package io.isohost.bench.deploy;

import io.isohost.bench.Results;
import io.isohost.container.ComponentCompiler;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.DaemonSettings;
import io.isohost.daemon.deploy.RouteListener;

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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 3's figures: from submit to every component serving for a RUBiS-sized descriptor (an
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
        int rounds = quick ? 3 : 10;
        int swaps = quick ? 4 : 20;
        Path work = Files.createTempDirectory("deploy-bench");
        ComponentCompiler.compile(work.resolve("classes"), Map.of("bench.Page", SERVLET));
        var settings = DaemonSettings.defaults().withDataDirectory(work.resolve("data"))
                .withPorts(freePort(), freePort()).withContainerPorts(25000, 25999);
        AtomicReference<Map<io.isohost.lb.RouteKey, RouteListener.Route>> routes = new AtomicReference<>(Map.of());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Object> results = new LinkedHashMap<>();
        try (Daemon daemon = Daemon.start(settings)) {
            daemon.deployments().addRouteListener(routes::set);
            // warm-up: the JIT and Jetty's classes, as on a host that has run for a while
            for (int i = 0; i < 3; i++) {
                submitAndWait(daemon, work, "warm" + i, http, routes);
            }
            List<Double> submitMs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                submitMs.add(submitAndWait(daemon, work, "rubis" + i, http, routes));
                System.err.printf(Locale.ROOT, "submit round %d/%d: %.1f ms%n", i + 1, rounds, submitMs.getLast());
            }
            results.put("submit_to_serving_ms", Results.stats(submitMs));

            // hot swap under load on the last service
            String service = "rubis" + (rounds - 1);
            List<URI> urls = new ArrayList<>();
            for (URI ep : routes.get().get(new io.isohost.lb.RouteKey(service, "web-" + service)).endpoints().stream().map(io.isohost.lb.Endpoint::uri).toList()) {
                for (int s = 1; s <= 20; s++) {
                    urls.add(ep.resolve("/s" + s));
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
        write(results, rounds, swaps);
    }

    private static double submitAndWait(Daemon daemon, Path work, String name, HttpClient http,
                                        AtomicReference<Map<io.isohost.lb.RouteKey, RouteListener.Route>> routes) throws Exception {
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
                          <servlet class="bench.Page" name="s%d"><url-pattern>/s%d</url-pattern></servlet>
                        </embedded-component>
                    """.formatted(s, name, s, s));
        }
        xml.append("  </components>\n  <generator name=\"replicate-all\"/>\n</service>\n");
        Path file = work.resolve(name + ".xml");
        Files.writeString(file, xml);
        long t0 = System.nanoTime();
        daemon.services().submit(file);
        for (URI ep : routes.get().get(new io.isohost.lb.RouteKey(name, "web-" + name)).endpoints().stream().map(io.isohost.lb.Endpoint::uri).toList()) {
            for (int s = 1; s <= 20; s++) {
                var r = http.send(HttpRequest.newBuilder(ep.resolve("/s" + s)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(ep + "/s" + s + " answered " + r.statusCode());
                }
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> r, int rounds, int swaps) throws Exception {
        Map<String, Object> doc = Results.document(r);
        var submit = (Map<String, Object>) r.get("submit_to_serving_ms");
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

                Run: `bench/deploy/run.sh` (one embedded host, loopback; 4 closed-loop clients during the swaps).
                """.formatted(doc.get("date"), doc.get("cores"), doc.get("jdk"), rounds, median, (double) submit.get("p90"),
                (double) submit.get("max"), median <= 1000 ? "pass" : "miss", swaps,
                (int) swap.get("requests_ok") + (int) swap.get("requests_failed"), (int) swap.get("requests_failed"),
                (int) swap.get("requests_failed") == 0 ? "pass" : "miss", (double) swapMs.get("median"), swapMax,
                swapMax <= 1000 ? "pass" : "miss");
        Results.write("deploy", doc, md);
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
