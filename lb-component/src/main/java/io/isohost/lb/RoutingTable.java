package io.isohost.lb;

import java.util.List;

/**
 * What the deployment manager tells the balancer after every change: the whole table, replaced
 * at once. Requests already dispatched finish where they went; queued ones are matched again.
 */
public interface RoutingTable {
    void replaceRoutes(List<ComponentRoute> routes);
}
