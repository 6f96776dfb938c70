package io.isohost.container;

import java.net.URI;
import java.util.List;

/**
 * The configuration class of a service's load-balancer component, named in its descriptor: it is
 * told of every component replica the deployment manager adds or removes, so that it can steer
 * requests (for example, send each servlet's requests only to the containers designated for it).
 * Needs a public no-argument constructor; calls for one service come one at a time.
 */
public interface LoadBalancerConfigurator {
    void replicaAdded(Replica replica);

    void replicaRemoved(Replica replica);

    /**
     * One component replica.
     *
     * @param component   the component, or the embedded component, the replica serves
     * @param container   the container hosting it
     * @param endpoint    the container's HTTP endpoint
     * @param urlPatterns the URL patterns it answers there
     */
    record Replica(String service, String component, String container, URI endpoint, List<String> urlPatterns) {
    }
}
