package io.isohost.container;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to make a container.
 *
 * @param name       unique on the host
 * @param parent     a group container to nest under
 * @param group      true for a container that groups others and hosts no isolate
 * @param policies   its resource policies
 * @param port       a fixed port for its endpoint, or 0 to take one from the host's range
 * @param maxThreads its endpoint's thread pool size
 */
public record ContainerConfig(String name, Optional<String> parent, boolean group, ContainerPolicies policies,
                              int port, int maxThreads) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ContainerConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("container name '" + name
                    + "' is not valid: letters, digits, '.', '_' and '-', at most 64 characters");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("container '" + name + "': port " + port + " is not a TCP port");
        }
        if (maxThreads < 4 || maxThreads > 10_000) {
            throw new IllegalArgumentException("container '" + name + "': max threads must be between 4 and 10000: " + maxThreads);
        }
    }

    public static ContainerConfig leaf(String name, ContainerPolicies policies) {
        return new ContainerConfig(name, Optional.empty(), false, policies, 0, 32);
    }

    public static ContainerConfig group(String name) {
        return new ContainerConfig(name, Optional.empty(), true, ContainerPolicies.NONE, 0, 32);
    }

    public ContainerConfig under(String parentName) {
        return new ContainerConfig(name, Optional.of(parentName), group, policies, port, maxThreads);
    }

    public ContainerConfig withPort(int fixedPort) {
        return new ContainerConfig(name, parent, group, policies, fixedPort, maxThreads);
    }

    public ContainerConfig withMaxThreads(int threads) {
        return new ContainerConfig(name, parent, group, policies, port, threads);
    }
}
