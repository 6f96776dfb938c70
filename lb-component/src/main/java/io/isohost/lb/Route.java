package io.isohost.lb;

import java.util.List;

/**
 * A route: the URLs of one servlet (or servlet-less component) of one service, and the endpoints
 * of the containers hosting it.
 *
 * @param key         the owning service and the route's name in it
 * @param urlPatterns servlet-style patterns: {@code /exact}, {@code /prefix/*}, {@code *.ext}
 * @param endpoints   the containers hosting it
 * @param tenant      who owns the service, for tenants' queue shares ({@code ""}: nobody in particular)
 */
public record Route(RouteKey key, List<String> urlPatterns, List<Endpoint> endpoints, String tenant) {
    public Route(RouteKey key, List<String> urlPatterns, List<Endpoint> endpoints) {
        this(key, urlPatterns, endpoints, "");
    }

    public Route {
        java.util.Objects.requireNonNull(key, "key");
        tenant = tenant == null ? "" : tenant;
        urlPatterns = List.copyOf(urlPatterns);
        endpoints = List.copyOf(endpoints);
        if (urlPatterns.isEmpty()) {
            throw new IllegalArgumentException("route " + key + " has no URL pattern");
        }
    }
}
