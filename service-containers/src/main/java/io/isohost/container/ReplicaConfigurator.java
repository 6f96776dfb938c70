package io.isohost.container;

import java.nio.file.Path;

/**
 * Adjusts a freshly cloned replica directory before its isolate starts, for example to write the
 * ports or node name that must differ between replicas. Needs a public no-argument constructor.
 */
@FunctionalInterface
public interface ReplicaConfigurator {
    void configure(Replica replica) throws Exception;

    /**
     * @param directory  the container's private copy of the tree
     * @param container  the container's name
     * @param component  the component's name
     * @param replicaId  unique on this host, for example {@code app-3/rubis-web}
     * @param ports      ports reserved for this replica, free when handed over
     */
    record Replica(Path directory, String container, String component, String replicaId, java.util.List<Integer> ports) {
    }
}
