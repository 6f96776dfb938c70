package io.isohost.container;

import java.nio.file.Path;

/**
 * Adjusts a replica's directory before each start of its isolate, for example to write the ports
 * or node name that must differ between replicas. The tree is cloned into the directory only when
 * the directory is new; after that the directory is the replica's data and is kept across restarts,
 * so the configurator may find its own earlier files. Needs a public no-argument constructor.
 */
@FunctionalInterface
public interface ReplicaConfigurator {
    void configure(Replica replica) throws Exception;

    /**
     * @param directory  the replica's own copy of the tree
     * @param container  the container's name
     * @param component  the component's name
     * @param replicaId  unique on this host, for example {@code app-3/rubis-web}
     * @param ports      ports reserved for this replica, free when handed over
     */
    record Replica(Path directory, String container, String component, String replicaId, java.util.List<Integer> ports) {
    }
}
