package io.isohost.rubis.lb;

import io.isohost.container.LoadBalancerConfigurator;
import io.isohost.lb.Endpoint;
import io.isohost.lb.RouteKey;
import io.isohost.lb.TargetChooser;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RUBiS's load-balancer component. As a configuration class it hears of every servlet replica the
 * deployment manager starts or stops and keeps, per servlet, the containers designated to host it.
 * As a target chooser it sends each servlet's request only to those containers, round-robin among
 * them; static pages go to any container of the service.
 *
 * <p>Servlet URLs end in the servlet's class name ({@code /servlet/edu.rice.rubis.servlets.ViewItem}),
 * which is also its embedded component's name, so the path alone names the servlet.
 */
public final class RubisTargetChooser implements LoadBalancerConfigurator, TargetChooser {
    private static final String SERVLETS = "/servlet/edu.rice.rubis.servlets.";

    private final Map<String, Set<URI>> hosts = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();

    @Override
    public void replicaAdded(Replica replica) {
        hosts.computeIfAbsent(replica.component(), k -> ConcurrentHashMap.newKeySet()).add(replica.endpoint());
    }

    @Override
    public void replicaRemoved(Replica replica) {
        Set<URI> set = hosts.get(replica.component());
        if (set != null) {
            set.remove(replica.endpoint());
        }
    }

    /** The endpoints designated to host {@code servlet}, as last told. */
    public Set<URI> designated(String servlet) {
        return Set.copyOf(hosts.getOrDefault(servlet, Set.of()));
    }

    @Override
    public Optional<Endpoint> choose(RouteKey route, String path, List<Endpoint> eligible) {
        if (!path.startsWith(SERVLETS)) {
            return Optional.empty();
        }
        Set<URI> designated = hosts.get(path.substring(SERVLETS.length()));
        if (designated == null || designated.isEmpty()) {
            return Optional.empty();
        }
        List<Endpoint> candidates = eligible.stream().filter(b -> designated.contains(b.uri())).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(candidates.get((int) Math.floorMod(turn.getAndIncrement(), (long) candidates.size())));
    }
}
