package io.isohost.lb.internal;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Power of two choices: of two backends drawn at random, the less loaded (in flight over limit × weight, plus reported CPU). */
final class ServerLoadStrategy implements BalancingStrategy {
    @Override
    public BackendState choose(RouteState route, List<BackendState> open, long now) {
        if (open.size() == 1) {
            return open.getFirst();
        }
        var rnd = ThreadLocalRandom.current();
        BackendState a = open.get(rnd.nextInt(open.size()));
        BackendState b = open.get(rnd.nextInt(open.size() - 1));
        if (b == a) {
            b = open.getLast();
        }
        return a.load(now) <= b.load(now) ? a : b;
    }
}
