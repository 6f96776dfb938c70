package io.isohost.daemon.deploy;

import io.isohost.lb.Endpoint;
import io.isohost.lb.RouteKey;

import java.util.List;
import java.util.Map;

/**
 * Told after every apply where each component can be reached: the load balancer's routing table
 * listens here. The map is complete (not a delta) and replaces the previous one.
 */
@FunctionalInterface
public interface RouteListener {
    /** @param routes route (service and servlet or component) → its URL patterns and the endpoints of the containers hosting it */
    void routesChanged(Map<RouteKey, Route> routes);

    /** One route of one service: its URL patterns and where it is hosted. */
    record Route(RouteKey key, List<String> urlPatterns, List<Endpoint> endpoints) {
    }
}
