package io.isohost.lb;

import io.isohost.lb.internal.Dispatcher;
import io.isohost.lb.internal.JettyInternals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The component-aware load balancer: a Jetty reverse proxy that sends each request only to the
 * backends hosting its route (a service's servlet or component), under controlled loading. Start one with {@link #start}; feed it
 * routes through {@link RoutingTable#replaceRoutes}.
 */
public final class LoadBalancer implements RoutingTable, AutoCloseable {
    /** The largest request line plus headers accepted, and forwarded. */
    public static final int REQUEST_HEADER_BYTES = 16 * 1024;

    private final Server server;
    private final HttpClient client;
    private final Dispatcher dispatcher;
    private final MeterRegistry meters;

    private LoadBalancer(Server server, HttpClient client, Dispatcher dispatcher, MeterRegistry meters) {
        this.server = server;
        this.client = client;
        this.dispatcher = dispatcher;
        this.meters = meters;
    }

    /** Starts listening on {@code address:port} (0 for any free port); a failure leaves nothing running. */
    public static LoadBalancer start(String address, int port, BalancerConfig config, Optional<TargetChooser> chooser,
                                     MeterRegistry meters) throws IOException {
        return start(address, port, config, chooser, meters, Thread.ofPlatform().factory());
    }

    /**
     * As {@link #start(String, int, BalancerConfig, Optional, MeterRegistry)}, with the balancer's
     * request threads (server and backend client) made by {@code threads}: a host binds them to the
     * balancer's own container so that its CPU is metered and guaranteed there.
     */
    public static LoadBalancer start(String address, int port, BalancerConfig config, Optional<TargetChooser> chooser,
                                     MeterRegistry meters, java.util.concurrent.ThreadFactory threads) throws IOException {
        var clientThreads = new QueuedThreadPool(64, 4, 60_000, -1, null, null, threads);
        clientThreads.setName("lb-client");
        var serverThreads = new JettyInternals.ServerThreadPool(threads);
        serverThreads.setName("lb");
        Server server = new Server(serverThreads);
        // one selector for both sides of every request (see JettyInternals)
        var listen = new JettyInternals.Listener(server, 1);
        ClientConnector connector = listen.backends();
        connector.setConnectTimeout(config.connectTimeout());
        connector.setIdleTimeout(config.idleTime());
        connector.setExecutor(clientThreads);
        var transport = new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector);
        // backend responses are handled where they are read, on the selector thread: nothing on the
        // balancer's response path blocks (see Dispatcher#getInvocationType)
        transport.setInvocationType(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(clientThreads);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setMaxConnectionsPerDestination(config.maxLimit() + 8); // one request per connection; the permits bound it
        client.setMaxRequestsQueuedPerDestination(1 << 16);           // the balancer's own queue does the queueing
        client.setIdleTimeout(config.idleTime().toMillis());
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setUserAgentField(null);
        client.setRequestBufferSize(REQUEST_HEADER_BYTES);
        var scheduler = new ScheduledExecutorScheduler("lb-scheduler", true);
        listen.setHost(address);
        listen.setPort(port);
        listen.setIdleTimeout(30_000);
        // Java's default backlog is 50: a burst of new clients past it waits a SYN retransmit (1 s)
        listen.setAcceptQueueSize(1024);
        var http = listen.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class).getHttpConfiguration();
        // GET forms with long fields (RUBiS sends an item's description in the query) fit; beyond, 431
        http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
        // Jetty's per-connection header cache (1,024 trie rows, ~100 KB allocated on a connection's first
        // request) suits a few long-lived connections; a balancer has many clients, and a burst of new
        // connections made that much young data per connection, which young GCs then copied (pauses of
        // 10-60 ms instead of 2-3). Headers are parsed without it; the backend side keeps its own cache.
        http.setHeaderCacheSize(0);
        // the backend's Server header is relayed; the balancer adds none of its own (no second one, no version)
        http.setSendServerVersion(false);
        server.addConnector(listen);
        var dispatcher = new Dispatcher(config, client, scheduler, chooser, meters);
        server.setHandler(dispatcher);
        server.addBean(scheduler);
        server.addBean(client);
        try {
            client.getContentDecoderFactories().clear(); // pass compressed bodies through untouched
        } catch (RuntimeException ignored) {
            // no decoders to clear
        }
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // failed start
            }
            throw new IOException("load balancer cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        return new LoadBalancer(server, client, dispatcher, meters);
    }

    public static LoadBalancer start(String address, int port, BalancerConfig config) throws IOException {
        return start(address, port, config, Optional.empty(), new SimpleMeterRegistry());
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void replaceRoutes(List<Route> routes) {
        dispatcher.replaceRoutes(routes);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Boolean> drain(java.net.URI endpoint, java.time.Duration timeout) {
        return dispatcher.drain(endpoint, timeout);
    }

    /** Per backend (by container): requests in flight and the current bound N. */
    public Map<String, int[]> backendLoad() {
        Map<String, int[]> m = new LinkedHashMap<>();
        dispatcher.backends().forEach((id, s) -> m.put(id, new int[]{s.inFlightNow(), s.limitNow()}));
        return m;
    }

    /** Requests waiting in a route's queue now. */
    public int queued(RouteKey route) {
        var g = meters.find("isohost_lb_queued").tag("service", route.service()).tag("component", route.name()).gauge();
        return g == null ? 0 : (int) g.value();
    }

    /** Request rate is left to the caller's window; count, mean and p99 per route, for generators. */
    public Map<RouteKey, RouteStats> stats() {
        Map<RouteKey, RouteStats> out = new LinkedHashMap<>();
        for (Timer t : meters.find("isohost_lb_request").timers()) {
            RouteKey route = new RouteKey(t.getId().getTag("service"), t.getId().getTag("component"));
            var snap = t.takeSnapshot();
            double p99 = 0;
            for (var v : snap.percentileValues()) {
                if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
            RouteStats prev = out.get(route);
            RouteStats mine = new RouteStats(snap.count(), snap.mean(TimeUnit.MILLISECONDS), p99);
            out.put(route, prev == null ? mine : prev.merge(mine));
        }
        return out;
    }

    /**
     * @param requests   answered so far
     * @param meanMillis mean response time
     * @param p99Millis  99th percentile over the recent window
     */
    public record RouteStats(long requests, double meanMillis, double p99Millis) {
        RouteStats merge(RouteStats o) {
            long n = requests + o.requests;
            double mean = n == 0 ? 0 : (meanMillis * requests + o.meanMillis * o.requests) / n;
            return new RouteStats(n, mean, Math.max(p99Millis, o.p99Millis));
        }
    }

    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping is best effort
        }
    }
}
