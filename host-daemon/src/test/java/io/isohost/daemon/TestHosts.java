package io.isohost.daemon;

import io.isohost.testing.FreePorts;

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

    /** {@code s} with other admin, JMX and router ports, outside its container range (a JMX registry's port may linger after close). */
    static DaemonSettings withFreshPorts(DaemonSettings s) {
        int first;
        do {
            first = FreePorts.range(3);
        } while (first + 2 >= s.firstContainerPort() && first <= s.lastContainerPort());
        return s.withPorts(first, first + 1).withRouterPort(first + 2);
    }
}
