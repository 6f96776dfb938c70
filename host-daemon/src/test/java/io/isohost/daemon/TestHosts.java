package io.isohost.daemon;

import io.isohost.testing.FreePorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Settings for hosts started by tests, on ports free on loopback below the ephemeral range. */
final class TestHosts {
    private TestHosts() {
    }

    /** Data in {@code data}; admin, JMX and router ports and 100 container ports from one free block, so none collide. */
    static DaemonSettings settings(Path data) {
        int first = FreePorts.range(103);
        return DaemonSettings.defaults().withDataDirectory(data).withPorts(first, first + 1).withRouterPort(first + 2)
                .withContainerPorts(first + 3, first + 102);
    }

    /**
     * Writes {@code dir/triad.xml}, a one-member triad (member "a" on {@code port}) acting as
     * {@code server}, with its secret beside it and {@code extra} elements (caches) at its end.
     */
    static Path oneMemberTriad(Path dir, String server, int port, String extra) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.secret"), "a-cluster-secret-of-some-length");
        return Files.writeString(dir.resolve("triad.xml"), """
                <triad xmlns="urn:isohost:triad:1" server="%s">
                  <member id="a" address="127.0.0.1:%d" repository-port="0"/>
                  <data-dir>triad-data</data-dir>
                  <secret-file>cluster.secret</secret-file>
                  %s
                </triad>
                """.formatted(server, port, extra));
    }

    /** {@code s} with other admin, JMX and router ports, outside its container range (a JMX registry's port may linger after close). */
    static DaemonSettings withFreshPorts(DaemonSettings s) {
        int first;
        do {
            first = FreePorts.range(3);
        } while (first + 2 >= s.firstContainerPort() && first <= s.lastContainerPort());
        return s.withPorts(first, first + 1).withRouterPort(first + 2);
    }
}
