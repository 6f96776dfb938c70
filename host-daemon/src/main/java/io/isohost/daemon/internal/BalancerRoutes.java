package io.isohost.daemon.internal;

import io.isohost.daemon.deploy.RouteListener;
import io.isohost.lb.RouteKey;
import io.isohost.lb.RoutingTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hands every deployment's routes to the load balancer's routing table, each with its service's tenant. */
public final class BalancerRoutes implements RouteListener {
    private final RoutingTable table;
    private final java.util.function.Function<String, String> tenantOfService;

    public BalancerRoutes(RoutingTable table, java.util.function.Function<String, String> tenantOfService) {
        this.table = table;
        this.tenantOfService = tenantOfService;
    }

    @Override
    public void routesChanged(Map<RouteKey, RouteListener.Route> routes) {
        List<io.isohost.lb.Route> out = new ArrayList<>();
        for (RouteListener.Route r : routes.values()) {
            if (r.urlPatterns().isEmpty()) {
                continue; // a component without servlets takes no HTTP requests
            }
            out.add(new io.isohost.lb.Route(r.key(), r.urlPatterns(), r.endpoints(), tenantOfService.apply(r.key().service())));
        }
        table.replaceRoutes(out);
    }
}
