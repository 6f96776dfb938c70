package io.isohost.lb.internal;

import java.util.ArrayList;
import java.util.List;

/** Picks a backend for a request and takes one of its permits: the preferred one if any, else the strategy's choice. */
final class BackendPicker {
    private final BalancingStrategy strategy;

    BackendPicker(BalancingStrategy strategy) {
        this.strategy = strategy;
    }

    /** The route's backends that may take {@code ex}: live, not draining, not tried by it already. */
    static List<BackendState> eligible(RouteState route, Exchange ex, long now) {
        List<BackendState> eligible = new ArrayList<>(route.members.size());
        for (BackendState b : route.members) {
            if (b.eligible(now) && !ex.tried.contains(b.endpoint.container())) {
                eligible.add(b);
            }
        }
        return eligible;
    }

    /**
     * Whether one of the route's backends that {@code ex} has not tried is being drained: a
     * deployment is changing it, and a table with a backend to take the request is on its way.
     */
    static boolean someDraining(RouteState route, Exchange ex) {
        boolean draining = false;
        for (BackendState b : route.members) {
            if (!ex.tried.contains(b.endpoint.container())) {
                draining |= b.draining();
            }
        }
        return draining;
    }

    /** Picks and acquires a backend with a free permit, or returns null (the request waits). */
    BackendState acquire(RouteState route, List<BackendState> eligible, String preferred, long now) {
        if (preferred != null) {
            for (BackendState b : eligible) {
                if (b.sessionSuffix.equals(preferred)) {
                    return b.tryAcquire(now) ? b : null; // wait for the owner rather than lose the session
                }
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) { // another request may take the chosen permit first
            List<BackendState> open = new ArrayList<>(eligible.size());
            for (BackendState b : eligible) {
                if (b.inFlight.get() < b.effectiveLimit(now)) {
                    open.add(b);
                }
            }
            if (open.isEmpty()) {
                return null;
            }
            BackendState b = strategy.choose(route, open, now);
            if (b.tryAcquire(now)) {
                return b;
            }
        }
        return null;
    }
}
