package io.isohost.lb;

import java.util.List;
import java.util.Optional;

/**
 * A service's own way of picking a backend, named in its descriptor. It sees the route and path
 * of a request and the eligible endpoints (live, hosting the route); returning empty leaves the
 * choice to the balancer's strategy.
 * <p>
 * It runs on the balancer's I/O thread for every request, so it must answer at once from what it
 * holds in memory: no I/O, locks held for long, or waiting.
 */
@FunctionalInterface
public interface TargetChooser {
    Optional<Endpoint> choose(RouteKey route, String path, List<Endpoint> eligible);
}
