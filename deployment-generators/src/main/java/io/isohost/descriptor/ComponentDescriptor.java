package io.isohost.descriptor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A component of a service: what runs in one isolate.
 *
 * @param name          unique in the service
 * @param kind          the isolate kind: java, process, js, python or espresso
 * @param role          plain, or an application server that hosts embedded components
 * @param replication   whether generators may run several replicas
 * @param artifacts     jars or class directories, resolved against the descriptor's directory
 * @param entryClass    the class to run, if any
 * @param servlets      servlets the component itself serves
 * @param arguments     arguments for the entry class
 * @param environment   environment the isolate sees
 * @param replicaSetup  how to make a replica's own directory, if replicas need one
 * @param consumes      units of each resource consumed per request
 * @param shape         for a stateful component, the shape of its own container
 */
public record ComponentDescriptor(String name, String kind, Role role, Replication replication, List<Path> artifacts,
                                  Optional<String> entryClass, List<ServletDescriptor> servlets,
                                  List<String> arguments, Map<String, String> environment,
                                  Optional<ReplicaSetup> replicaSetup, Map<String, Double> consumes,
                                  Optional<String> shape) {

    public enum Role { PLAIN, APPLICATION_SERVER }

    public enum Replication {
        /** Any number of replicas, no coordination needed. */
        FREE,
        /** Any number of replicas; each gets its own directory tree set up by a configurator to join the others. */
        CLUSTER_AWARE,
        /** Exactly one instance, in a container of its own. */
        STATEFUL;

        public boolean replicable() {
            return this != STATEFUL;
        }
    }

    public ComponentDescriptor {
        artifacts = List.copyOf(artifacts);
        servlets = List.copyOf(servlets);
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
        consumes = Map.copyOf(consumes);
    }

    public boolean isApplicationServer() {
        return role == Role.APPLICATION_SERVER;
    }
}
