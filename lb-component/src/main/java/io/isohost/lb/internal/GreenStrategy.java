package io.isohost.lb.internal;

import java.util.List;

/** The first backend, in the route's order, that is under its limit: later ones stay idle and can be switched off. */
final class GreenStrategy implements BalancingStrategy {
    @Override
    public BackendState choose(RouteState route, List<BackendState> open, long now) {
        return open.getFirst();
    }
}
