package io.isohost.daemon.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole host as it should be: which containers exist, with which policies, hosting which
 * components. The deployment manager makes the host match it; it carries no strategy.
 *
 * @param version increases with every new target, so that a restart knows what it converges to
 */
public record DeploymentTarget(long version, List<ContainerTarget> containers) {
    public static final DeploymentTarget EMPTY = new DeploymentTarget(0, List.of());

    public DeploymentTarget {
        containers = List.copyOf(containers);
        Map<String, ContainerTarget> seen = new LinkedHashMap<>();
        for (ContainerTarget c : containers) {
            if (seen.put(c.name(), c) != null) {
                throw new IllegalArgumentException("deployment names container '" + c.name() + "' twice");
            }
        }
    }

    public Map<String, ContainerTarget> byName() {
        Map<String, ContainerTarget> m = new LinkedHashMap<>();
        containers.forEach(c -> m.put(c.name(), c));
        return m;
    }
}
