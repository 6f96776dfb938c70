package io.isohost.lb.internal;

import io.isohost.lb.Strategy;

import java.util.List;

/** How a backend is chosen among a route's backends that have a free permit. */
interface BalancingStrategy {
    /** @param open the route's eligible backends with a free permit, never empty */
    BackendState choose(RouteState route, List<BackendState> open, long now);

    static BalancingStrategy of(Strategy strategy) {
        return switch (strategy) {
            case ROUND_ROBIN -> new RoundRobinStrategy();
            case SERVER_LOAD -> new ServerLoadStrategy();
            case GREEN -> new GreenStrategy();
        };
    }
}
