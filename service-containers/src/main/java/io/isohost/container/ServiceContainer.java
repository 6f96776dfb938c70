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

    /**
     * Makes the container's policies equal {@code wanted} by difference: a policy whose value
     * differs is retuned in place, a missing one added, one no longer wanted removed, an equal one
     * left alone. Every value is checked first; a bad one changes nothing. Deployments, JMX and
     * the admin API all end here, under the container's one lock.
     *
     * @return whether anything changed
     */
    boolean applyPolicies(ContainerPolicies wanted);

    /** An operator's quota change (0 removes the policy), handed to the host's {@link QuotaKeeper}. */
    void setQuota(Quota quota);

    ContainerPolicies policies();

    ContainerStatus status();
}
