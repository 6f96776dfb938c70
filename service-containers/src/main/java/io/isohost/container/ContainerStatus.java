package io.isohost.container;

import io.isohost.rm.DomainUsage;

import java.util.List;
import java.util.Map;

/**
 * A container as the status page shows it.
 *
 * @param port     the HTTP endpoint's port, or 0 for a group
 * @param domains  usage (waits, denials, ...) per resource
 */
public record ContainerStatus(String name, String parent, boolean leaf, int port, List<String> children,
                              List<IsolateStatus> isolates, List<String> policies, Map<String, DomainUsage> domains) {

    public record IsolateStatus(String id, String kind, IsolateState state, IsolateUsage usage, String failure) {
    }
}
