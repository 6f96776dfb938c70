package io.isohost.lb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the deployment manager tells the balancer: the whole table after every change, and which
 * endpoints to drain before their containers stop.
 */
public interface RoutingTable {
    /**
     * Replaces the table at once. Requests already sent finish where they went; queued ones are
     * matched again. Endpoints that stay keep their limit, health and in-flight count.
     */
    void replaceRoutes(List<Route> routes);

    /**
     * Stops sending new requests to {@code endpoint} (on every route, sticky sessions included, until a
     * later table lists it again) and tells when the requests in flight to it have finished.
     *
     * @return completes with true once nothing is in flight to the endpoint (at once if nothing is),
     *         or with false when {@code timeout} passes first; never exceptionally
     */
    CompletableFuture<Boolean> drain(URI endpoint, Duration timeout);
}
