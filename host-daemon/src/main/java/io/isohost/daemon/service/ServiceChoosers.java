package io.isohost.daemon.service;

import io.isohost.lb.Backend;
import io.isohost.lb.TargetChooser;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host balancer's one target chooser, which hands each request to the chooser of the service
 * that owns its route (a service's load-balancer class, when it is also a {@link TargetChooser}).
 * Routes of services without one are left to the balancer's strategy.
 */
public final class ServiceChoosers implements TargetChooser {
    private final Map<String, TargetChooser> byRoute = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> routesOf = new ConcurrentHashMap<>();

    void register(String service, Set<String> routes, TargetChooser chooser) {
        remove(service);
        routes.forEach(r -> byRoute.put(r, chooser));
        routesOf.put(service, Set.copyOf(routes));
    }

    void remove(String service) {
        Set<String> old = routesOf.remove(service);
        if (old != null) {
            old.forEach(byRoute::remove);
        }
    }

    @Override
    public Optional<Backend> choose(String route, String path, List<Backend> eligible) {
        TargetChooser c = byRoute.get(route);
        return c == null ? Optional.empty() : c.choose(route, path, eligible);
    }
}
