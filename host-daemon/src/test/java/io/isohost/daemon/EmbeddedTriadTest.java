package io.isohost.daemon;

import io.isohost.testing.FreePorts;
import io.isohost.cache.TriadClient;
import io.isohost.cache.TriadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host whose configuration names a triad file runs that cache server inside itself, and stops it with itself. */
class EmbeddedTriadTest {
    @TempDir
    Path tmp;

    @Test
    void theHostRunsItsTriadServerAndStopsItWithItself() throws Exception {
        int first = FreePorts.range(23); // the triad's port, the admin and JMX ports, 20 container ports
        int port = first;
        TestHosts.oneMemberTriad(tmp, "a", port, "<caches><cache name=\"objects\" expire-timeout=\"1h\"/></caches>");
        Files.writeString(tmp.resolve("host.xml"), """
                <isohost xmlns="urn:isohost:host:1">
                  <server><data-directory>data</data-directory><admin-port>%d</admin-port><jmx-port>%d</jmx-port>
                    <router-port>0</router-port><container-ports first="%d" last="%d"/></server>
                  <triad config="triad.xml"/>
                </isohost>
                """.formatted(first + 1, first + 2, first + 3, first + 22));
        HostConfig config = HostConfig.read(tmp.resolve("host.xml"));
        try (Daemon daemon = Daemon.start(config, MBeanServerFactory.newMBeanServer());
             TriadClient client = TriadClient.connect(TriadConfig.load(tmp.resolve("triad.xml")))) {
            assertTrue(daemon.triad().isPresent());
            var cache = client.cache("objects");
            cache.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), cache.get("k".getBytes(StandardCharsets.UTF_8)));
        }
        assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", port).close(), "the triad server stopped with the host");
    }
}
