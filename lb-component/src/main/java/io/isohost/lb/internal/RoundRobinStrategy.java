package io.isohost.lb.internal;

import java.util.List;

/** Smooth weighted round-robin (as nginx's): each pick adds every weight and takes the total off the winner. */
final class RoundRobinStrategy implements BalancingStrategy {
    @Override
    public BackendState choose(RouteState route, List<BackendState> open, long now) {
        synchronized (route) {
            double total = 0;
            BackendState best = null;
            for (BackendState b : open) {
                double w = b.effectiveWeight(now);
                b.currentWeight += w;
                total += w;
                if (best == null || b.currentWeight > best.currentWeight) {
                    best = b;
                }
            }
            best.currentWeight -= total;
            return best;
        }
    }
}
