package io.isohost.daemon.internal;

import io.isohost.daemon.deploy.RouteListener;
import io.isohost.lb.Backend;
import io.isohost.lb.ComponentRoute;
import io.isohost.lb.RoutingTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hands every deployment's routes to the load balancer's routing table; a container is a backend named after it. */
public final class BalancerRoutes implements RouteListener {
    private final RoutingTable table;
    private final java.util.function.Function<String, String> tenantOfService;

    public BalancerRoutes(RoutingTable table, java.util.function.Function<String, String> tenantOfService) {
        this.table = table;
        this.tenantOfService = tenantOfService;
    }

    @Override
    public void routesChanged(Map<String, Route> routes) {
        List<ComponentRoute> out = new ArrayList<>();
        for (Route r : routes.values()) {
            if (r.urlPatterns().isEmpty()) {
                continue; // a component without servlets takes no HTTP requests
            }
            List<Backend> backends = new ArrayList<>();
            for (int i = 0; i < r.endpoints().size(); i++) {
                backends.add(Backend.of(r.containers().get(i).replace('.', '_'), r.endpoints().get(i)));
            }
            out.add(new ComponentRoute(r.component(), r.urlPatterns(), backends, tenantOfService.apply(r.service())));
        }
        table.replaceRoutes(out);
    }
}
