package io.isohost.lb;

/**
 * Which route a request takes: the service that owns it and the route's name within that service
 * (a servlet, or a component without servlets). Two services with a servlet of the same name (the
 * same class, say) have two routes, each with its own backends, queue and measurements.
 */
public record RouteKey(String service, String name) {
    public RouteKey {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a route belongs to a service; none given for route '" + name + "'");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a route of service '" + service + "' needs a name");
        }
    }

    @Override
    public String toString() {
        return service + "/" + name;
    }
}
