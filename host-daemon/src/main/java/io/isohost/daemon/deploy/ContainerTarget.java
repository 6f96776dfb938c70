package io.isohost.daemon.deploy;

import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;

import java.util.List;

/**
 * One container as a deployment wants it: its policies and the components it hosts.
 *
 * @param service the service it belongs to, for routing and status
 */
public record ContainerTarget(String name, String service, ContainerPolicies policies, List<ComponentSpec> components) {
    public ContainerTarget {
        components = List.copyOf(components);
    }
}
