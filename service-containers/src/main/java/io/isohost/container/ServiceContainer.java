package io.isohost.container;

import io.isohost.rm.ResourceDomain;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A unit of resource policy. Leaf containers host isolates behind their own HTTP endpoint; group
 * containers hold other containers, and their request policies apply to every leaf below them.
 */
public interface ServiceContainer {
    String name();

    Optional<String> parent();

    boolean isGroup();

    /** The endpoint of a leaf, for example {@code http://127.0.0.1:20001/}; empty for a group. */
    Optional<URI> endpoint();

    /** Installs and starts a component; on failure nothing of it is left behind. */
    Isolate install(ComponentSpec spec) throws IsolateException;

    /** Stops a component's isolate (graceful, then forced after {@code grace}) and removes it. */
    boolean uninstall(String componentName, Duration grace);

    List<Isolate> isolates();

    Optional<Isolate> isolate(String componentName);

    /** The container's domain for a resource, if it has one. */
    Optional<ResourceDomain> domain(String resourceName);

    List<ResourceDomain> domains();

    /** Sets or retunes a rate quota; 0 removes it. Adds a domain for the resource if needed. */
    void setRate(String resourceName, double perSecond);

    /** Sets or retunes the CPU share; 0 removes it. */
    void setCpuShare(double fraction);

    /** Sets or retunes the concurrency limit; 0 removes it. */
    void setMaxConcurrency(int max);

    ContainerPolicies policies();

    ContainerStatus status();
}
