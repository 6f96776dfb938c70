package io.isohost.daemon.deploy;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Told after every apply where each component can be reached: the load balancer's routing table
 * listens here. The map is complete (not a delta) and replaces the previous one.
 */
@FunctionalInterface
public interface RouteListener {
    /** @param routes component name → endpoints of the containers hosting it, with its URL patterns */
    void routesChanged(Map<String, Route> routes);

    /** {@code containers.get(i)} is the container listening at {@code endpoints.get(i)}; {@code service} owns the component. */
    record Route(String component, List<String> urlPatterns, List<URI> endpoints, List<String> containers, String service) {
    }
}
