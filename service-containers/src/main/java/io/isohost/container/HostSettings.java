package io.isohost.container;

import javax.management.MBeanServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Where a host keeps containers.
 *
 * @param dataDirectory     containers' directories live under {@code containers/} here
 * @param bindAddress       the address container endpoints listen on, loopback by default
 * @param firstPort         the range container endpoints take ports from, inclusive
 * @param lastPort          inclusive
 * @param mbeanServer       where container and domain MXBeans are registered, or null for none
 */
public record HostSettings(Path dataDirectory, String bindAddress, int firstPort, int lastPort, MBeanServer mbeanServer) {
    public HostSettings {
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("container port range " + firstPort + "-" + lastPort + " is not a valid range of TCP ports");
        }
    }

    public static HostSettings loopback(Path dataDirectory) {
        return new HostSettings(dataDirectory, "127.0.0.1", 20000, 29999, ManagementFactory.getPlatformMBeanServer());
    }

    public HostSettings withPorts(int first, int last) {
        return new HostSettings(dataDirectory, bindAddress, first, last, mbeanServer);
    }

    public HostSettings withoutJmx() {
        return new HostSettings(dataDirectory, bindAddress, firstPort, lastPort, null);
    }
}
