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
    /** Requests waiting for a permit, oldest first; guarded by itself. */
    final ArrayDeque<Exchange> queue = new ArrayDeque<>();
    final BalancerMeters.RouteMeters meters;
    private final Timer[] requestTimers;

    RouteState(RouteKey key, String tenant, List<BackendState> members, BalancerMeters.RouteMeters meters) {
        this.key = key;
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
}
