package io.isohost.daemon;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and how a host runs. {@link #defaults()} is the embedded configuration: everything on
 * loopback, data under {@code ./.isohost}.
 *
 * @param dataDirectory  containers, the admin token and state live here
 * @param bindAddress    the address every endpoint listens on
 * @param adminPort      admin HTTP API (JSON)
 * @param jmxPort        remote JMX connector (RMI registry and server on the same port)
 * @param firstContainerPort  the range container endpoints take ports from
 * @param lastContainerPort   inclusive
 * @param routerPort     the load balancer in front of the deployed components (0 for none)
 * @param artifactRoots  directories besides a descriptor's own that its artifacts may come from
 * @param descriptorLimit the largest service descriptor accepted, in bytes
 */
public record DaemonSettings(Path dataDirectory, String bindAddress, int adminPort, int jmxPort,
                             int firstContainerPort, int lastContainerPort, int routerPort,
                             List<Path> artifactRoots, long descriptorLimit) {
    /**
     * An environment variable naming more artifact roots, separated by the path separator; the
     * {@code isohost} launcher sets it to the build's {@code examples-rubis/target}.
     */
    public static final String ARTIFACT_ROOTS_VARIABLE = "ISOHOST_ARTIFACT_ROOTS";
    /** The largest service descriptor accepted unless configured otherwise: 1 MiB. */
    public static final long DEFAULT_DESCRIPTOR_LIMIT = 1 << 20;
    public static final int DEFAULT_ADMIN_PORT = 7170;
    public static final int DEFAULT_JMX_PORT = 7171;
    public static final int DEFAULT_ROUTER_PORT = 7180;

    public DaemonSettings {
        checkPort("admin port", adminPort);
        checkPort("JMX port", jmxPort);
        checkPort("router port", routerPort);
        checkPort("first container port", firstContainerPort);
        checkPort("last container port", lastContainerPort);
        if (firstContainerPort > lastContainerPort) {
            throw new IllegalArgumentException("container port range " + firstContainerPort + "-" + lastContainerPort + " is empty");
        }
        artifactRoots = List.copyOf(artifactRoots);
        if (descriptorLimit < 1) {
            throw new IllegalArgumentException("the descriptor size limit must be positive: " + descriptorLimit);
        }
    }

    /** Settings with no artifact roots and the default descriptor limit. */
    public DaemonSettings(Path dataDirectory, String bindAddress, int adminPort, int jmxPort,
                          int firstContainerPort, int lastContainerPort, int routerPort) {
        this(dataDirectory, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort, routerPort,
                List.of(), DEFAULT_DESCRIPTOR_LIMIT);
    }

    public static DaemonSettings defaults() {
        return new DaemonSettings(Path.of(".isohost"), "127.0.0.1", DEFAULT_ADMIN_PORT, DEFAULT_JMX_PORT, 20000, 29999,
                DEFAULT_ROUTER_PORT);
    }

    public DaemonSettings withDataDirectory(Path dir) {
        return new DaemonSettings(dir, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort, routerPort,
                artifactRoots, descriptorLimit);
    }

    public DaemonSettings withPorts(int admin, int jmx) {
        return new DaemonSettings(dataDirectory, bindAddress, admin, jmx, firstContainerPort, lastContainerPort, routerPort,
                artifactRoots, descriptorLimit);
    }

    public DaemonSettings withRouterPort(int port) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort, port,
                artifactRoots, descriptorLimit);
    }

    public DaemonSettings withContainerPorts(int first, int last) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, first, last, routerPort,
                artifactRoots, descriptorLimit);
    }

    /** Settings whose services' artifacts may also come from these directories. */
    public DaemonSettings withArtifactRoots(List<Path> roots) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort,
                routerPort, roots, descriptorLimit);
    }

    /** These settings' artifact roots and those the environment variable {@value #ARTIFACT_ROOTS_VARIABLE} names. */
    public List<Path> artifactRootsWithEnvironment() {
        List<Path> all = new java.util.ArrayList<>(artifactRoots);
        String named = System.getenv(ARTIFACT_ROOTS_VARIABLE);
        if (named != null) {
            for (String p : named.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    all.add(Path.of(p.strip()));
                }
            }
        }
        return all;
    }

    public DaemonSettings withDescriptorLimit(long bytes) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort,
                routerPort, artifactRoots, bytes);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " is not a TCP port");
        }
    }
}
