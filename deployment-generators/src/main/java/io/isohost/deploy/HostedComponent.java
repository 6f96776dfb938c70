package io.isohost.deploy;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A component instance in a container. For an application server, {@code embedded} names the
 * embedded components this instance activates; for other components it is empty.
 */
public record HostedComponent(String component, SortedSet<String> embedded) implements Comparable<HostedComponent> {
    public HostedComponent {
        Objects.requireNonNull(component, "component");
        embedded = Collections.unmodifiableSortedSet(new TreeSet<>(embedded));
    }

    public static HostedComponent of(String component) {
        return new HostedComponent(component, new TreeSet<>());
    }

    public static HostedComponent of(String component, java.util.Collection<String> embedded) {
        return new HostedComponent(component, new TreeSet<>(embedded));
    }

    @Override
    public int compareTo(HostedComponent other) {
        return component.compareTo(other.component);
    }
}
