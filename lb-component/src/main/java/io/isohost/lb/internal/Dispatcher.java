package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import io.isohost.lb.Route;
import io.isohost.lb.TargetChooser;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The balancer's request chain, as a Jetty handler: match the path to a route ({@link RouteTable}),
 * pick a backend with a free permit (sticky session, the service's chooser, then the strategy:
 * {@link BackendPicker}), else wait in the route's queue ({@link AdmissionQueue}); forward, relay
 * and retry ({@link Forwarder}).
 */
public final class Dispatcher extends Handler.Abstract {
    private static final byte[] NO_BODY = new byte[0];

    private final BalancerConfig config;
    private final Optional<TargetChooser> chooser;
    private final RouteTable table;
    private final BackendPicker picker;
    private final AdmissionQueue queue;
    private final Forwarder forwarder;

    public Dispatcher(BalancerConfig config, HttpClient client, Scheduler scheduler, Optional<TargetChooser> chooser,
                      MeterRegistry meters) {
        this.config = config;
        this.chooser = chooser;
        this.table = new RouteTable(config, new BalancerMeters(meters));
        this.picker = new BackendPicker(BalancingStrategy.of(config.strategy()));
        this.forwarder = new Forwarder(config, client, table, this::dispatch, this::released);
        this.queue = new AdmissionQueue(config, table, picker, scheduler, forwarder::forward);
    }

    /** Replaces the table; backends keep their state (limit, health, in flight) when they stay. */
    public void replaceRoutes(List<Route> routes) {
        List<RouteState> removed = table.replace(routes);
        queue.serveAll();
        for (RouteState r : removed) {
            queue.close(r).forEach(this::rematch);
        }
    }

    /** See {@link io.isohost.lb.RoutingTable#drain}. */
    public CompletableFuture<Boolean> drain(URI endpoint, Duration timeout) {
        CompletableFuture<Boolean> idle = table.drain(endpoint, timeout);
        queue.serveAll(); // waiting requests that preferred a drained backend (sticky) go elsewhere now
        return idle;
    }

    public Map<String, BackendState> backends() {
        return table.backends();
    }

    /**
     * The whole request path is asynchronous (body read, backend exchange, relay), so Jetty runs it
     * on the selector thread that read the request, with no hand-off to a pool thread: on a busy
     * machine every hand-off is a wait in the CPU run queue while the backend permit is held.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        RouteState route = table.match(path);
        if (route == null) {
            return false; // 404
        }
        long length = request.getLength();
        if (length > config.maxRequestBytes()) {
            tooLarge(response, callback);
            return true;
        }
        if (length == 0 || length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) { // no body
            dispatch(new Exchange(request, response, callback, route, NO_BODY, path));
            return true;
        }
        // bodies are buffered whole so that a retry can send them again
        Content.Source.asByteArrayAsync(request, config.maxRequestBytes()).whenComplete((body, failure) -> {
            if (failure == null) {
                dispatch(new Exchange(request, response, callback, route, body, path));
            } else {
                Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                if (cause instanceof IllegalStateException) { // Jetty's "max size exceeded": a chunked body grew past it
                    tooLarge(response, callback);
                } else {
                    Exchange.reply(response, callback, HttpStatus.BAD_REQUEST_400, "request body unreadable: " + cause.getMessage());
                }
            }
        });
        return true;
    }

    private void tooLarge(Response response, Callback callback) {
        Exchange.reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "request body over " + config.maxRequestBytes() + " bytes");
    }

    /** Sends a request to a backend of its route with a free permit, or queues it. */
    private void dispatch(Exchange ex) {
        RouteState route = table.current(ex.route);
        long now = System.nanoTime();
        List<BackendState> eligible = BackendPicker.eligible(route, ex, now);
        if (eligible.isEmpty()) {
            if (BackendPicker.someDraining(route, ex)) {
                enqueue(route, ex); // a planned change: wait (bounded) for the next table rather than fail
            } else {
                route.meters.rejectedNoBackend.increment();
                ex.refuse(HttpStatus.SERVICE_UNAVAILABLE_503, "no live backend hosts route " + route.key);
            }
            return;
        }
        ex.preferred = StickySessions.keepIfEligible(ex.preferred, eligible);
        if (ex.preferred == null && chooser.isPresent()) {
            chooser.get().choose(route.key, ex.path, eligible.stream().map(b -> b.endpoint).toList())
                    .ifPresent(e -> ex.preferred = e.sessionSuffix());
        }
        BackendState picked = picker.acquire(route, eligible, ex.preferred, now);
        if (picked != null) {
            forwarder.forward(ex, picked);
        } else {
            enqueue(route, ex);
        }
    }

    private void enqueue(RouteState route, Exchange ex) {
        if (!queue.enqueue(route, ex)) {
            rematch(ex);
        }
    }

    /** Its route left the table while it waited: the request goes where its path leads in the table in force. */
    private void rematch(Exchange ex) {
        RouteState route = table.match(ex.path);
        if (route == null) {
            ex.route.meters.rejectedNoBackend.increment();
            ex.refuse(HttpStatus.SERVICE_UNAVAILABLE_503, "route " + ex.route.key + " was removed while the request waited");
            return;
        }
        ex.route = route;
        dispatch(ex);
    }

    private void released(BackendState b) {
        queue.released(b);
    }
}
