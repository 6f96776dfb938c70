package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import io.isohost.lb.Endpoint;
import io.isohost.lb.Route;
import io.isohost.lb.RouteKey;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The routes in force: URL patterns to routes (Jetty's {@link PathMappings}, longest match first),
 * routes to their backends, and the backends' state, which outlives a table change for every
 * backend that stays.
 */
final class RouteTable {
    private final BalancerConfig config;
    private final BalancerMeters meters;
    private final Map<String, BackendState> backends = new HashMap<>();          // by container; guarded by this
    /** Backends left out of the table with requests still in flight: a drain may still ask for them. */
    private final Map<String, BackendState> retired = new HashMap<>();           // guarded by this
    private volatile PathMappings<RouteState> byPath = new PathMappings<>();
    private volatile Map<RouteKey, RouteState> byKey = Map.of();
    private boolean firstTable = true;

    RouteTable(BalancerConfig config, BalancerMeters meters) {
        this.config = config;
        this.meters = meters;
    }

    /** The route a path belongs to, or null. */
    RouteState match(String path) {
        MatchedResource<RouteState> m = byPath.getMatched(path);
        return m == null ? null : m.getResource();
    }

    /** The route of the same key in the table in force (a request may have matched an older table). */
    RouteState current(RouteState r) {
        RouteState now = byKey.get(r.key);
        return now == null ? r : now;
    }

    Collection<RouteState> routes() {
        return byKey.values();
    }

    synchronized Map<String, BackendState> backends() {
        return Map.copyOf(backends);
    }

    /**
     * Replaces the table; a table naming one route twice is refused and the one in force stays.
     * Backends keep their state (limit, health, in flight) when they stay, and waiting requests their
     * place in their route's queue.
     *
     * @return the routes that left the table (their waiting requests are to be matched again)
     */
    synchronized List<RouteState> replace(List<Route> routes) {
        Set<RouteKey> named = new HashSet<>();
        for (Route r : routes) {
            if (!named.add(r.key())) {
                throw new IllegalArgumentException("route " + r.key() + " is listed twice; the table in force stays");
            }
        }
        long now = System.nanoTime();
        Map<String, BackendState> keep = new HashMap<>();
        Map<RouteKey, RouteState> nextByKey = new HashMap<>();
        PathMappings<RouteState> nextByPath = new PathMappings<>();
        for (Route r : routes) {
            List<BackendState> members = new ArrayList<>();
            for (Endpoint e : r.endpoints()) {
                BackendState s = keep.get(e.container());
                if (s == null) {
                    BackendState old = backends.get(e.container());
                    s = old != null && old.endpoint.equals(e) ? old : new BackendState(e, config, firstTable, now);
                    if (old == null) {
                        meters.backend(s);
                    }
                    s.listed(); // listed again after a drain: takes new requests
                    keep.put(e.container(), s);
                }
                if (!members.contains(s)) {
                    members.add(s);
                }
            }
            RouteState previous = byKey.get(r.key());
            RouteState.Queue queue = previous != null ? previous.queue : new RouteState.Queue(); // waiting requests keep their place
            RouteState state = new RouteState(r.key(), r.tenant(), List.copyOf(members), meters.route(r.key()), queue);
            nextByKey.put(r.key(), state);
            for (String p : r.urlPatterns()) {
                nextByPath.put(new ServletPathSpec(p), state);
            }
        }
        retired.values().removeIf(s -> s.inFlightNow() == 0);
        backends.forEach((name, s) -> {
            if (keep.get(name) != s) {
                // a request that found it through the old table backs off (BackendState#tryAcquire), or
                // is counted here: a drain asking for it then waits for that request
                s.unlisted();
                if (s.inFlightNow() > 0) {
                    retired.put(name, s);
                }
            }
        });
        backends.clear();
        backends.putAll(keep);
        List<RouteState> removed = new ArrayList<>();
        byKey.forEach((key, r) -> {
            if (!nextByKey.containsKey(key)) {
                removed.add(r);
            }
        });
        byKey = Map.copyOf(nextByKey);
        byPath = nextByPath;
        firstTable = false;
        return removed;
    }

    /**
     * No new request goes to the backends listening at {@code uri}; completes with true when none
     * is in flight to them any more, false when {@code timeout} passes first.
     */
    CompletableFuture<Boolean> drain(URI uri, Duration timeout) {
        List<CompletableFuture<Boolean>> idle = new ArrayList<>();
        synchronized (this) {
            for (var states : List.of(backends.values(), retired.values())) {
                for (BackendState s : states) {
                    if (s.listensAt(uri)) {
                        idle.add(s.drain());
                    }
                }
            }
        }
        return CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new))
                .thenApply(v -> idle.stream().allMatch(CompletableFuture::join))
                .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
