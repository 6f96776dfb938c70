package io.isohost.daemon;

import java.nio.file.Path;

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
 */
public record DaemonSettings(Path dataDirectory, String bindAddress, int adminPort, int jmxPort,
                             int firstContainerPort, int lastContainerPort, int routerPort) {
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
    }

    public static DaemonSettings defaults() {
        return new DaemonSettings(Path.of(".isohost"), "127.0.0.1", DEFAULT_ADMIN_PORT, DEFAULT_JMX_PORT, 20000, 29999,
                DEFAULT_ROUTER_PORT);
    }

    public DaemonSettings withDataDirectory(Path dir) {
        return new DaemonSettings(dir, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort, routerPort);
    }

    public DaemonSettings withPorts(int admin, int jmx) {
        return new DaemonSettings(dataDirectory, bindAddress, admin, jmx, firstContainerPort, lastContainerPort, routerPort);
    }

    public DaemonSettings withRouterPort(int port) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, firstContainerPort, lastContainerPort, port);
    }

    public DaemonSettings withContainerPorts(int first, int last) {
        return new DaemonSettings(dataDirectory, bindAddress, adminPort, jmxPort, first, last, routerPort);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " is not a TCP port");
        }
    }
}
