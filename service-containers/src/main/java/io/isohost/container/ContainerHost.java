package io.isohost.container;

import io.isohost.container.internal.Host;
import io.isohost.container.spi.IsolateKind;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.policy.CpuArbiter;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** All service containers of one host: made, listed and destroyed here. */
public interface ContainerHost extends AutoCloseable {
    static ContainerHost create(HostSettings settings) {
        return new Host(settings, new ResourceRegistry(), new CpuArbiter());
    }

    static ContainerHost create(HostSettings settings, ResourceRegistry registry, CpuArbiter arbiter) {
        return new Host(settings, registry, arbiter);
    }

    /**
     * Makes a container with its policies, and for a leaf its HTTP endpoint. Refused with a
     * message (and nothing left behind) for a duplicate name, an unknown parent or resource, an
     * invalid quota, or a port that is taken.
     */
    ServiceContainer create(ContainerConfig config);

    /** Stops every isolate in the container (and in containers below it) and removes it. */
    boolean destroy(String name, Duration grace);

    Optional<ServiceContainer> container(String name);

    List<ServiceContainer> containers();

    ResourceRegistry resources();

    CpuArbiter cpu();

    /** Where operators' quota changes go from now on; by default they are applied at once. */
    void keepQuotasWith(QuotaKeeper keeper);

    /** Adds a kind of isolate beyond the built-in {@code java}. */
    void addKind(IsolateKind kind);

    /** The names of the isolate kinds this host can run. */
    java.util.Set<String> kinds();

    HostSettings settings();

    @Override
    void close();
}
