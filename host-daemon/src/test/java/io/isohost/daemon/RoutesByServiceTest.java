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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two tenants' services with a servlet of the same class and name, on different URL patterns: the
 * host's balancer keeps them two routes, and each tenant's requests reach only its own containers.
 */
class RoutesByServiceTest {
    @TempDir
    Path tmp;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A service of {@code tenant} whose servlet {@code demo.Hello}, named "Hello", answers with the tenant's name. */
    private Path service(String tenant) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(tenant));
        ComponentCompiler.compile(dir.resolve("classes"), Map.of("demo.Hello", """
                package demo;
                import jakarta.servlet.http.*;
                import java.io.IOException;
                public class Hello extends HttpServlet {
                    @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("%s");
                    }
                }
                """.formatted(tenant)));
        Path file = dir.resolve("service.xml");
        Files.writeString(file, """
                <service xmlns="urn:isohost:service:1" name="%1$s-shop" tenant="%1$s">
                  <shapes><shape name="small"><rate resource="requests" per-second="100000"/></shape></shapes>
                  <allocation><containers shape="small" count="1"/></allocation>
                  <components>
                    <component name="web" role="application-server"><artifact>classes</artifact></component>
                    <embedded-component name="hello" application-server="web">
                      <servlet class="demo.Hello" name="Hello"><url-pattern>/%1$s/*</url-pattern></servlet>
                    </embedded-component>
                  </components>
                  <generator name="replicate-all"/>
                </service>
                """.formatted(tenant));
        return file;
    }

    @Test
    void theSameServletInTwoServicesIsTwoRoutesEachToItsOwnContainers() throws Exception {
        daemon = Daemon.start(TestHosts.settings(tmp.resolve("data")), MBeanServerFactory.newMBeanServer());
        daemon.services().submit(service("acme"));
        daemon.services().submit(service("rice"));
        URI router = daemon.routerUri().orElseThrow();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 10; i++) {
            for (String tenant : new String[]{"acme", "rice"}) {
                var r = http.send(HttpRequest.newBuilder(router.resolve("/" + tenant + "/page")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), tenant + ": " + r.body());
                assertEquals(tenant, r.body(), "a request of " + tenant + " reached " + tenant + "'s container");
            }
        }
        var stats = daemon.balancer().orElseThrow().stats();
        assertEquals(10, stats.get(new io.isohost.lb.RouteKey("acme-shop", "Hello")).requests());
        assertEquals(10, stats.get(new io.isohost.lb.RouteKey("rice-shop", "Hello")).requests());
    }
}
