package io.isohost.deploy;

import io.isohost.descriptor.ContainerShape;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One service container of a deployment: its id (stable across generations, so the deployment
 * manager can tell a kept container from a new one), its policies, and the components it hosts.
 */
public record ContainerPlan(String id, ContainerShape shape, List<HostedComponent> components) {
    public ContainerPlan {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shape, "shape");
        components = components.stream().sorted().toList();
        Set<String> seen = new HashSet<>();
        for (HostedComponent c : components) {
            if (!seen.add(c.component())) {
                throw new IllegalArgumentException("container '" + id + "' hosts component '" + c.component() + "' twice");
            }
        }
    }

    public Optional<HostedComponent> component(String name) {
        return components.stream().filter(c -> c.component().equals(name)).findFirst();
    }

    /** Whether this container serves {@code name}, a component or an embedded component. */
    public boolean serves(String name) {
        return components.stream().anyMatch(c -> c.component().equals(name) || c.embedded().contains(name));
    }
}
