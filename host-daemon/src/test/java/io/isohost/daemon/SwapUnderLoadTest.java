package io.isohost.daemon;

import io.isohost.container.ComponentCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Swaps, re-allocations and a container's removal under a bounded load of real HTTP requests
 * through the host's balancer: not one request fails.
 */
class SwapUnderLoadTest {
    private static final String SLOW = """
            package demo;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            public class Slow extends HttpServlet {
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    try { Thread.sleep(3); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                    resp.getWriter().print("ok " + getServletName());
                }
            }
            """;
    private static final List<String> PAGES = List.of("browse", "bid", "sell", "about");

    @TempDir
    Path tmp;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Path descriptor() throws Exception {
        StringBuilder xml = new StringBuilder("""
                <service xmlns="urn:isohost:service:1" name="shop" tenant="acme">
                  <shapes><shape name="small"><rate resource="requests" per-second="100000"/></shape></shapes>
                  <allocation><containers shape="small" count="2"/></allocation>
                  <components>
                    <component name="web" role="application-server"><artifact>classes</artifact></component>
                """);
        for (String p : PAGES) {
            xml.append("""
                        <embedded-component name="%s" application-server="web">
                          <servlet class="demo.Slow" name="%s"><url-pattern>/%s</url-pattern></servlet>
                        </embedded-component>
                    """.formatted(p, p, p));
        }
        xml.append("  </components>\n  <generator name=\"replicate-all\"/>\n</service>\n");
        Path file = tmp.resolve("shop.xml");
        Files.writeString(file, xml);
        return file;
    }

    @Test
    void swapsAndReallocationsUnderLoadFailNoRequest() throws Exception {
        ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Slow", SLOW));
        daemon = Daemon.start(TestHosts.settings(tmp.resolve("data")), MBeanServerFactory.newMBeanServer());
        daemon.services().submit(descriptor());
        URI router = daemon.routerUri().orElseThrow();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().start(() -> {
                // bounded: stops when the changes are done, and after 50,000 requests at most
                for (int i = 0; running.get() && i < 12_500; i++) {
                    String page = PAGES.get((client + i) % PAGES.size());
                    try {
                        var r = http.send(HttpRequest.newBuilder(router.resolve("/" + page)).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().equals("ok " + page)) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(page + ": " + r.statusCode() + " " + r.body().strip());
                        }
                    } catch (Exception e) {
                        failures.add(page + ": " + e);
                    }
                }
            }));
        }
        try {
            for (int i = 0; i < 2; i++) {
                daemon.services().swapGenerator("shop", "per-component", Map.of());
                daemon.services().swapGenerator("shop", "replicate-all", Map.of());
            }
            daemon.services().allocate("shop", 3);
            daemon.services().swapGenerator("shop", "per-component", Map.of());
            daemon.services().allocate("shop", 1); // two containers leave
            daemon.services().swapGenerator("shop", "replicate-all", Map.of());
            daemon.services().allocate("shop", 2);
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(60_000);
            }
        }
        assertTrue(ok.get() > 0, "requests were served");
        assertEquals(List.of(), List.copyOf(failures), failures.size() + " failed of " + (ok.get() + failures.size()));
    }
}
