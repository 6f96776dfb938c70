package io.isohost.daemon.deploy;

import io.isohost.container.LoadBalancerConfigurator;
import io.isohost.container.LoadBalancerConfigurator.Replica;
import io.isohost.lb.Endpoint;
import io.isohost.lb.Route;
import io.isohost.lb.RouteKey;
import io.isohost.lb.RoutingTable;
import io.isohost.lb.TargetChooser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one binding from deployments to the host's load balancer. The deployment manager publishes
 * here, after every step of an apply, where each route can be reached now; the binding hands that
 * table to the balancer and tells each service's own load-balancer class which replicas came and
 * went. Before a container stops or changes its isolates, its endpoint is drained here. As the
 * balancer's target chooser it hands each request to its service's class, when that class chooses.
 */
public final class BalancerBinding implements TargetChooser {
    private static final Logger log = LoggerFactory.getLogger(BalancerBinding.class);

    /** A service as the balancer sees it: its tenant (for queue shares) and its own balancer class, if any. */
    private record Plugged(String tenant, LoadBalancerConfigurator configurator, Set<Replica> known) {
    }

    private final Map<String, Plugged> services = new ConcurrentHashMap<>();
    private volatile RoutingTable table;
    private volatile List<Route> routes = List.of();

    /** Routes go to {@code balancer} from now on (the host runs without one when its router port is 0). */
    public synchronized void attach(RoutingTable balancer) {
        this.table = balancer;
        balancer.replaceRoutes(routes);
    }

    /**
     * Binds a service: its tenant, and its load-balancer class ({@code null} for none), which from
     * now on hears of its replicas and, if it is a {@link TargetChooser}, chooses its targets.
     */
    public synchronized void bind(String service, String tenant, LoadBalancerConfigurator configurator) {
        Plugged old = services.get(service);
        if (old != null && old.configurator() == configurator && old.tenant().equals(tenant)) {
            return;
        }
        Set<Replica> known = ConcurrentHashMap.newKeySet();
        services.put(service, new Plugged(tenant, configurator, known));
        tell(service, replicas(service, routes)); // a new class hears of what already runs
    }

    /** Forgets a service that is gone; its routes went with its last deployment. */
    public synchronized void unbind(String service) {
        services.remove(service);
    }

    /** The routes last handed to the balancer. */
    public List<Route> routes() {
        return routes;
    }

    /** The endpoints of a route, as last published. */
    public List<Endpoint> endpoints(RouteKey key) {
        return routes.stream().filter(r -> r.key().equals(key)).findFirst().map(Route::endpoints).orElse(List.of());
    }

    /** Publishes the whole table: {@code route key → patterns} with the endpoints serving it now. */
    synchronized void publish(List<Route> table) {
        List<Route> withTenants = table.stream().map(r -> new Route(r.key(), r.urlPatterns(), r.endpoints(),
                Optional.ofNullable(services.get(r.key().service())).map(Plugged::tenant).orElse(""))).toList();
        routes = withTenants;
        if (this.table != null) {
            this.table.replaceRoutes(withTenants);
        }
        services.keySet().forEach(s -> tell(s, replicas(s, withTenants)));
    }

    /**
     * No new request goes to {@code endpoint} until a later table lists it again; completes when
     * its requests in flight have finished (true) or at the timeout (false).
     */
    CompletableFuture<Boolean> drain(URI endpoint, Duration timeout) {
        RoutingTable t = table;
        return t == null ? CompletableFuture.completedFuture(true) : t.drain(endpoint, timeout);
    }

    @Override
    public Optional<Endpoint> choose(RouteKey route, String path, List<Endpoint> eligible) {
        Plugged p = services.get(route.service());
        return p != null && p.configurator() instanceof TargetChooser chooser ? chooser.choose(route, path, eligible) : Optional.empty();
    }

    private static Set<Replica> replicas(String service, List<Route> table) {
        Set<Replica> now = new LinkedHashSet<>();
        for (Route r : table) {
            if (r.key().service().equals(service)) {
                r.endpoints().forEach(e -> now.add(new Replica(service, r.key().name(), e.container(), e.uri(), r.urlPatterns())));
            }
        }
        return now;
    }

    /** Tells a service's class what changed since it was last told; a class that throws is logged and skipped. */
    private void tell(String service, Set<Replica> now) {
        Plugged p = services.get(service);
        if (p == null || p.configurator() == null) {
            return;
        }
        for (Replica gone : Set.copyOf(p.known())) {
            if (!now.contains(gone)) {
                call(service, () -> p.configurator().replicaRemoved(gone));
                p.known().remove(gone);
            }
        }
        for (Replica added : now) {
            if (p.known().add(added)) {
                call(service, () -> p.configurator().replicaAdded(added));
            }
        }
    }

    private static void call(String service, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("the load-balancer class of service {} threw: {}", service, e.toString());
        }
    }
}
