package io.isohost.daemon.service;

import io.isohost.lb.Endpoint;
import io.isohost.lb.RouteKey;
import io.isohost.lb.TargetChooser;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host balancer's one target chooser, which hands each request to the chooser of the service
 * that owns its route (a service's load-balancer class, when it is also a {@link TargetChooser}).
 * Routes of services without one are left to the balancer's strategy.
 */
public final class ServiceChoosers implements TargetChooser {
    private final Map<String, TargetChooser> byService = new ConcurrentHashMap<>();

    void register(String service, TargetChooser chooser) {
        byService.put(service, chooser);
    }

    void remove(String service) {
        byService.remove(service);
    }

    @Override
    public Optional<Endpoint> choose(RouteKey route, String path, List<Endpoint> eligible) {
        TargetChooser c = byService.get(route.service());
        return c == null ? Optional.empty() : c.choose(route, path, eligible);
    }
}
