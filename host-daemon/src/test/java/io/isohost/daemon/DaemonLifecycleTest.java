package io.isohost.daemon;

import io.isohost.testing.FreePorts;
import io.isohost.testing.Waits;
import io.isohost.daemon.internal.DataDirectory;
import io.isohost.daemon.internal.Lifecycle;
import io.isohost.lb.BalancerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.management.MBeanServerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's parts start in order and a start that fails at any of them stops the ones already
 * started: no thread, port or lock is left behind, and the error names the part.
 */
class DaemonLifecycleTest {
    @TempDir
    Path tmp;

    /** Each part of the host, and how a test makes it fail to start. */
    enum Part {
        DATA_DIRECTORY("data directory"), RESOURCE_REGISTRY("resource registry"), CONTAINERS("containers"),
        TRIAD("embedded triad server"),
        BALANCER("load balancer"), SERVICES("services"), JMX("JMX connector"), ADMIN_API("admin API");

        final String named;

        Part(String named) {
            this.named = named;
        }
    }

    private record Host(HostConfig config, int triadPort) {
    }

    private Host host(Path dir, List<String> resourceDefinitions, String triadServerId) throws IOException {
        int triadPort = FreePorts.port();
        TestHosts.oneMemberTriad(dir, triadServerId, triadPort, "");
        DaemonSettings s = TestHosts.settings(dir.resolve("data"));
        return new Host(new HostConfig(s, List.of(), resourceDefinitions, BalancerConfig.defaults(),
                Optional.of(dir.resolve("triad.xml"))), triadPort);
    }

    @ParameterizedTest
    @EnumSource(Part.class)
    void aStartThatFailsAtAPartStopsEverythingStartedBeforeIt(Part part) throws Exception {
        Path dir = tmp.resolve(part.name());
        Host host = host(dir, part == Part.RESOURCE_REGISTRY ? List.of("no.such.ResourceDefinition") : List.of(),
                part == Part.TRIAD ? "not-a-member" : "a");
        DaemonSettings s = host.config().settings();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        List<AutoCloseable> blockers = new ArrayList<>();
        switch (part) {
            case DATA_DIRECTORY -> blockers.add(DataDirectory.open(s.dataDirectory()));
            case BALANCER -> blockers.add(listen(s.routerPort()));
            case CONTAINERS -> { // the operators' quotas are read with the containers
                Files.createDirectories(s.dataDirectory().resolve("deployment"));
                Files.writeString(s.dataDirectory().resolve("deployment/operator.json"), "{ not json");
            }
            case SERVICES -> {
                Files.createDirectories(s.dataDirectory().resolve("deployment"));
                Files.writeString(s.dataDirectory().resolve("deployment/target.json"), "{ not json");
            }
            case JMX -> blockers.add(listen(s.jmxPort()));
            case ADMIN_API -> blockers.add(listen(s.adminPort()));
            default -> { }
        }
        var failed = assertThrows(IOException.class, () -> Daemon.start(host.config(), MBeanServerFactory.newMBeanServer()));
        assertInstanceOf(Lifecycle.StartFailed.class, failed);
        assertTrue(failed.getMessage().startsWith("cannot start the " + part.named), failed.getMessage());
        for (AutoCloseable b : blockers) {
            b.close();
        }

        assertNoNewThreads(before);
        for (int port : new int[]{s.adminPort(), s.jmxPort(), s.routerPort(), host.triadPort()}) {
            FreePorts.awaitFree(port);
        }
        DataDirectory.open(s.dataDirectory()).close();
        if (part == Part.SERVICES) {
            Files.delete(s.dataDirectory().resolve("deployment/target.json"));
        }
        if (part.compareTo(Part.TRIAD) > 0) {
            // the triad's store lock and port were released: the same host starts now
            Daemon.start(host.config(), MBeanServerFactory.newMBeanServer()).close();
        }
    }

    @Test
    void theDataDirectoryIsTheOwnersAndOneHostsAtATime() throws Exception {
        Host host = host(tmp, List.of(), "a");
        HostConfig noTriad = new HostConfig(host.config().settings(), List.of(), List.of());
        Path data = noTriad.settings().dataDirectory();
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (Daemon daemon = Daemon.start(noTriad, MBeanServerFactory.newMBeanServer())) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.token"))));
            var second = assertThrows(IOException.class, () -> Daemon.start(noTriad.withSettings(noTriad.settings()
                    .withPorts(FreePorts.port(), FreePorts.port()).withRouterPort(0)), MBeanServerFactory.newMBeanServer()));
            assertTrue(second.getMessage().contains("is in use by another host (pid " + ProcessHandle.current().pid() + ")"),
                    second.getMessage());
            assertTrue(daemon.ready());
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
    }

    /** Threads end asynchronously after their pools are stopped; waits, bounded, for the new ones to end. */
    private static void assertNoNewThreads(Set<Thread> before) {
        Waits.await("no thread left running after a failed start").untilAsserted(() -> assertEquals(Set.of(),
                Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive() && !jvmWide(t))
                        .map(Thread::getName).collect(Collectors.toCollection(java.util.TreeSet::new))));
    }

    /** Threads the JVM starts once for all users, not the host's: the common pool and RMI's housekeeping. */
    private static boolean jvmWide(Thread t) {
        String n = t.getName();
        return n.startsWith("ForkJoinPool.commonPool") || n.startsWith("RMI Scheduler") || n.equals("RMI Reaper")
                || n.equals("RMI GC Daemon") || n.equals("GC Daemon") || n.startsWith("RMI RenewClean")
                || n.equals("Attach Listener");
    }
}
