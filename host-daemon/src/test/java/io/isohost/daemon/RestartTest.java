package io.isohost.daemon;

import io.isohost.container.ComponentCompiler;
import io.isohost.container.Isolate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** A restart restores the last deployment once, with its policies, and changes nothing that need not change. */
class RestartTest {
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

    private Path service(String name, String generator) throws Exception {
        Path file = tmp.resolve(name + ".xml");
        Files.writeString(file, """
                <service xmlns="urn:isohost:service:1" name="%s" tenant="acme">
                  <shapes><shape name="small" max-concurrency="8"><rate resource="%s.tx" per-second="100"/></shape></shapes>
                  <allocation><containers shape="small" count="2"/></allocation>
                  <components>
                    <component name="web" role="application-server"><artifact>classes</artifact></component>
                    <embedded-component name="browse" application-server="web">
                      <servlet class="demo.Hello" name="%s-browse"><url-pattern>/%s/browse</url-pattern></servlet>
                    </embedded-component>
                    <embedded-component name="bid" application-server="web">
                      <servlet class="demo.Hello" name="%s-bid"><url-pattern>/%s/bid</url-pattern></servlet>
                    </embedded-component>
                  </components>
                  <generator name="%s"/>
                </service>
                """.formatted(name, name, name, name, name, name, generator));
        return file;
    }

    private int viaBalancer(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(daemon.routerUri().orElseThrow().resolve(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Set<Isolate> isolates() {
        Set<Isolate> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        daemon.containers().containers().forEach(c -> all.addAll(c.isolates()));
        return all;
    }

    @Test
    void aRestartAppliesTheLastDeploymentOnceAndThePerformanceLoopRestartsNothing() throws Exception {
        ComponentCompiler.compile(tmp.resolve("classes"), Map.of("demo.Hello", DeploymentManagerTest.HELLO));
        var s = TestHosts.settings(tmp.resolve("data"));
        daemon = Daemon.start(s, MBeanServerFactory.newMBeanServer());
        daemon.services().submit(service("shop", "per-component"));
        daemon.services().submit(service("blog", "replicate-all"));
        var before = daemon.deployments().current();
        assertEquals(200, viaBalancer("/shop/bid"));
        daemon.close();
        // the same data directory; fresh ports, as a JMX registry's port may linger a moment after close
        daemon = Daemon.start(TestHosts.withFreshPorts(s),
                MBeanServerFactory.newMBeanServer());
        assertEquals(before, daemon.deployments().current(), "the same deployment, taken up as it was: no new version");
        assertEquals(200, viaBalancer("/shop/bid"), "routed from the first apply on");
        assertEquals(200, viaBalancer("/blog/browse"));
        var shop = daemon.containers().container("shop-1").orElseThrow().policies();
        assertEquals(100.0, shop.rates().get("shop.tx").perSecond(), "restored with its policies");
        assertEquals(8, shop.maxConcurrency());

        Set<Isolate> running = isolates();
        for (int i = 0; i < 3; i++) {
            daemon.performance().tick();
        }
        assertEquals(before.version(), daemon.deployments().current().version(), "the performance loop changed nothing");
        Set<Isolate> after = isolates();
        assertEquals(running.size(), after.size());
        assertTrue(after.containsAll(running), "no isolate was restarted");
    }
}
