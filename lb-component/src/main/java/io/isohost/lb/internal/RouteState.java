package io.isohost.lb.internal;

import io.isohost.lb.RouteKey;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayDeque;
import java.util.List;

/** A route in the table in force: its backends, its waiting requests and its meters. */
final class RouteState {
    final RouteKey key;
    final String tenant;
    final List<BackendState> members;
    /** Requests waiting for a permit, oldest first; the same queue in every table that lists the route. */
    final Queue queue;
    final BalancerMeters.RouteMeters meters;
    private final Timer[] requestTimers;

    RouteState(RouteKey key, String tenant, List<BackendState> members, BalancerMeters.RouteMeters meters, Queue queue) {
        this.key = key;
        this.queue = queue;
        this.tenant = tenant;
        this.members = members;
        this.meters = meters;
        this.requestTimers = members.stream().map(b -> meters.requests(b.endpoint.container())).toArray(Timer[]::new);
    }

    /** The request timer of this route on {@code b}. */
    Timer requestTimer(BackendState b) {
        for (int i = 0; i < requestTimers.length; i++) {
            if (members.get(i) == b) {
                return requestTimers[i];
            }
        }
        return meters.requests(b.endpoint.container()); // the backend left the route while the request was out
    }

    /**
     * A route's waiting requests, guarded by itself. It outlives table changes (a request found
     * through an older table waits where the newer one serves), until the route leaves the table.
     */
    static final class Queue extends ArrayDeque<Exchange> {
        /** The route left the table: a request is matched again rather than queued here. */
        boolean closed;
    }
}
