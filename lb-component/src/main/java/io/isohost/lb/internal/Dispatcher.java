package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import io.isohost.lb.Endpoint;
import io.isohost.lb.Route;
import io.isohost.lb.RouteKey;
import io.isohost.lb.Strategy;
import io.isohost.lb.TargetChooser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The balancer's request chain: route by URL to a component, pick a backend hosting it (sticky
 * session, the service's chooser, then the strategy) among those with a free permit, else wait in
 * the component's FIFO queue; forward over pooled keep-alive connections; release the permit when
 * the response is complete and feed its timing to the backend's limit controller; retry elsewhere
 * after a connect failure (or any failure, for idempotent methods).
 */
public final class Dispatcher extends Handler.Abstract {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length");
    /** Backends may report their CPU load (0-1) in this response header; the server-load strategy uses it. */
    public static final String LOAD_HEADER = "X-Isohost-Cpu-Load";
    /**
     * A backend's response headers the client does not get: the hop-by-hop ones, the load report meant
     * for the balancer, and Date, which the balancer's server stamps itself (as nginx does).
     */
    private static final Set<String> NOT_RELAYED = java.util.stream.Stream.concat(HOP_BY_HOP.stream(),
            java.util.stream.Stream.of("date", LOAD_HEADER.toLowerCase(java.util.Locale.ROOT))).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final BalancerConfig config;
    private final HttpClient client;
    private final Scheduler scheduler;
    private final Optional<TargetChooser> chooser;
    private final QueueShares shares;
    private final MeterRegistry meters;
    private final Map<String, BackendState> backends = new HashMap<>();
    private volatile PathMappings<RouteState> table = new PathMappings<>();
    private volatile Map<RouteKey, RouteState> routes = Map.of();
    /** Endpoints left out of the table with requests still in flight: a drain may still ask for them. */
    private final Map<String, BackendState> retired = new HashMap<>();
    private boolean firstTable = true;
    // per component, stable across table changes so that the gauge keeps reading the live count
    private final Map<RouteKey, java.util.concurrent.atomic.AtomicInteger> queued = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger waitingTotal = new java.util.concurrent.atomic.AtomicInteger();

    public Dispatcher(BalancerConfig config, HttpClient client, Scheduler scheduler, Optional<TargetChooser> chooser,
                      MeterRegistry meters) {
        this.config = config;
        this.client = client;
        this.scheduler = scheduler;
        this.chooser = chooser;
        this.shares = new QueueShares(config.tenantQueueShares(), config.queueCapacity());
        this.meters = meters;
    }

    /** A route's backends and its queue. */
    final class RouteState {
        final RouteKey key;
        final String tenant;
        final List<BackendState> members;
        final ArrayDeque<Exchange> queue = new ArrayDeque<>();
        final Timer queueTime;
        final Counter rejectedQueueFull;
        final Counter rejectedQueueTimeout;
        final Counter rejectedNoBackend;
        final Counter rejectedTenantShare;
        final java.util.concurrent.atomic.AtomicInteger waiting;
        private final Timer[] requestTimers;

        RouteState(RouteKey key, String tenant, List<BackendState> members) {
            this.key = key;
            this.tenant = tenant;
            this.members = members;
            this.waiting = queued.computeIfAbsent(key, k -> meters.gauge("isohost_lb_queued", tags(k),
                    new java.util.concurrent.atomic.AtomicInteger()));
            this.queueTime = Timer.builder("isohost_lb_queue").description("Time requests waited for a backend permit")
                    .tags(tags(key)).publishPercentiles(0.5, 0.99).register(meters);
            this.rejectedQueueFull = reject("queue-full");
            this.rejectedQueueTimeout = reject("queue-timeout");
            this.rejectedNoBackend = reject("no-backend");
            this.rejectedTenantShare = reject("tenant-share");
            this.requestTimers = members.stream().map(b -> timer(key, b.endpoint.container())).toArray(Timer[]::new);
        }

        /** The request timer of this component on {@code b}; looked up once per route, not per request. */
        Timer requestTimer(BackendState b) {
            for (int i = 0; i < requestTimers.length; i++) {
                if (members.get(i) == b) {
                    return requestTimers[i];
                }
            }
            return timer(key, b.endpoint.container()); // the backend left the route while the request was out
        }

        private Counter reject(String reason) {
            return Counter.builder("isohost_lb_rejects").description("Requests refused by the balancer")
                    .tags(tags(key)).tag("reason", reason).register(meters);
        }
    }

    /** The tags naming a route in metrics: its service and its name (a servlet's or component's). */
    static List<io.micrometer.core.instrument.Tag> tags(RouteKey key) {
        return List.of(io.micrometer.core.instrument.Tag.of("service", key.service()),
                io.micrometer.core.instrument.Tag.of("component", key.name()));
    }

    /** Replaces the table; backends keep their state (limit, health, in flight) when they stay. */
    public synchronized void replaceRoutes(List<Route> newRoutes) {
        long now = System.nanoTime();
        Map<String, BackendState> keep = new HashMap<>();
        Map<RouteKey, RouteState> byKey = new HashMap<>();
        PathMappings<RouteState> next = new PathMappings<>();
        Set<RouteKey> named = new HashSet<>();
        for (Route r : newRoutes) {
            if (!named.add(r.key())) {
                throw new IllegalArgumentException("route " + r.key() + " is listed twice; the table in force stays");
            }
        }
        for (Route r : newRoutes) {
            List<BackendState> members = new ArrayList<>();
            for (Endpoint b : r.endpoints()) {
                BackendState s = keep.get(b.container());
                if (s == null) {
                    BackendState old = backends.get(b.container());
                    s = old != null && old.endpoint.equals(b) ? old : new BackendState(b, config, firstTable, now);
                    if (old == null) {
                        registerGauges(s);
                    }
                    s.listed(); // listed again after a drain: takes new requests
                    keep.put(b.container(), s);
                }
                if (!members.contains(s)) {
                    members.add(s);
                }
            }
            RouteState previous = routes.get(r.key());
            RouteState state = new RouteState(r.key(), r.tenant(), List.copyOf(members));
            if (previous != null) {
                synchronized (previous.queue) {
                    state.queue.addAll(previous.queue); // waiting requests keep their place
                    previous.queue.clear();
                }
            }
            byKey.put(r.key(), state);
            for (String p : r.urlPatterns()) {
                next.put(new ServletPathSpec(p), state);
            }
        }
        retired.values().removeIf(s -> s.inFlightNow() == 0);
        backends.forEach((name, s) -> {
            if (keep.get(name) != s && s.inFlightNow() > 0) {
                retired.put(name, s);
            }
        });
        backends.clear();
        backends.putAll(keep);
        routes = Map.copyOf(byKey);
        table = next;
        firstTable = false;
        for (RouteState r : byKey.values()) {
            serveQueue(r);
        }
    }

    /**
     * No new request goes to the endpoints listening at {@code uri}; completes with true when none
     * is in flight to them any more, false when {@code timeout} passes first.
     */
    public CompletableFuture<Boolean> drain(java.net.URI uri, java.time.Duration timeout) {
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
        // queued requests that preferred a drained endpoint (sticky) go elsewhere now
        for (RouteState r : routes.values()) {
            serveQueue(r);
        }
        CompletableFuture<Boolean> all = CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new))
                .thenApply(v -> idle.stream().allMatch(CompletableFuture::join));
        return all.completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void registerGauges(BackendState s) {
        meters.gauge("isohost_lb_in_flight", List.of(io.micrometer.core.instrument.Tag.of("backend", s.endpoint.container())),
                s, b -> b.inFlight.get());
        meters.gauge("isohost_lb_limit", List.of(io.micrometer.core.instrument.Tag.of("backend", s.endpoint.container())),
                s, b -> b.limit.limit());
    }

    public Map<String, BackendState> backends() {
        synchronized (this) {
            return Map.copyOf(backends);
        }
    }

    // ---- the request path ----

    /** One client request on its way to a backend. */
    final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final RouteState route;
        final byte[] body;
        final String path;
        final long arrived = System.nanoTime();
        final Set<String> tried = new HashSet<>();
        String preferred;
        String queuedAs; // the tenant whose queue share it holds while it waits
        Scheduler.Task timeout;

        Exchange(Request request, Response response, Callback callback, RouteState route, byte[] body, String path) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.route = route;
            this.body = body;
            this.path = path;
            this.preferred = stickyOwner(request);
        }
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
        MatchedResource<RouteState> match = table.getMatched(path);
        if (match == null) {
            return false; // 404
        }
        long length = request.getLength();
        if (length > config.maxRequestBytes()) {
            tooLarge(response, callback);
            return true;
        }
        if (length == 0 || length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) { // no body
            dispatch(new Exchange(request, response, callback, match.getResource(), NO_BODY, path));
            return true;
        }
        // bodies are buffered whole so that a retry can send them again
        Content.Source.asByteArrayAsync(request, config.maxRequestBytes()).whenComplete((body, failure) -> {
            if (failure == null) {
                dispatch(new Exchange(request, response, callback, match.getResource(), body, path));
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure;
                if (cause instanceof IllegalStateException) { // Jetty's "max size exceeded": a chunked body grew past it
                    tooLarge(response, callback);
                } else {
                    reply(response, callback, HttpStatus.BAD_REQUEST_400, "request body unreadable: " + cause.getMessage());
                }
            }
        });
        return true;
    }

    private static final byte[] NO_BODY = new byte[0];
    /** Responses are relayed whole; beyond this the exchange fails with 502. */
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private void tooLarge(Response response, Callback callback) {
        reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "request body over " + config.maxRequestBytes() + " bytes");
    }

    private static String stickyOwner(Request request) {
        String id = null;
        for (org.eclipse.jetty.http.HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equalsIgnoreCase("JSESSIONID")) {
                id = c.getValue();
            }
        }
        if (id == null) {
            String p = request.getHttpURI().getParam();
            if (p != null && p.startsWith("jsessionid=")) {
                id = p.substring("jsessionid=".length());
            }
        }
        if (id == null) {
            return null;
        }
        int dot = id.lastIndexOf('.');
        return dot >= 0 && dot < id.length() - 1 ? id.substring(dot + 1) : null;
    }

    private void dispatch(Exchange ex) {
        RouteState route = currentRoute(ex.route);
        long now = System.nanoTime();
        List<BackendState> eligible = new ArrayList<>();
        for (BackendState b : route.members) {
            if (b.eligible(now) && !ex.tried.contains(b.endpoint.container())) {
                eligible.add(b);
            }
        }
        if (eligible.isEmpty()) {
            route.rejectedNoBackend.increment();
            reply(ex.response, ex.callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "no live backend hosts route " + route.key);
            return;
        }
        // a sticky owner that is down, draining or no longer hosts the component is forgotten: redispatch
        if (ex.preferred != null && eligible.stream().noneMatch(b -> b.sessionSuffix.equals(ex.preferred))) {
            ex.preferred = null;
        }
        if (ex.preferred == null && chooser.isPresent()) {
            chooser.get().choose(route.key, ex.path, eligible.stream().map(b -> b.endpoint).toList())
                    .ifPresent(b -> ex.preferred = b.sessionSuffix());
        }
        BackendState picked = pick(route, eligible, ex.preferred, now);
        if (picked != null) {
            forward(ex, picked);
            return;
        }
        synchronized (route.queue) {
            if (route.queue.size() >= config.queueCapacity()) {
                route.rejectedQueueFull.increment();
                reply(ex.response, ex.callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                        "route " + route.key + " is overloaded: its queue is full");
                return;
            }
            if (!shares.tryEnter(route.tenant)) {
                route.rejectedTenantShare.increment();
                reply(ex.response, ex.callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                        "tenant '" + route.tenant + "' has used its share of the balancer's queue");
                return;
            }
            ex.queuedAs = route.tenant;
            route.queue.addLast(ex);
            route.waiting.incrementAndGet();
            waitingTotal.incrementAndGet();
        }
        ex.timeout = scheduler.schedule(() -> expire(ex), config.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
        serveQueue(route); // a permit may have been released meanwhile
    }

    private RouteState currentRoute(RouteState r) {
        RouteState now = routes.get(r.key);
        return now == null ? r : now;
    }

    private void expire(Exchange ex) {
        RouteState route = currentRoute(ex.route);
        boolean removed;
        synchronized (route.queue) {
            removed = route.queue.remove(ex);
            if (removed) {
                route.waiting.decrementAndGet();
                waitingTotal.decrementAndGet();
                shares.leave(ex.queuedAs);
            }
        }
        if (removed) {
            route.rejectedQueueTimeout.increment();
            reply(ex.response, ex.callback, HttpStatus.SERVICE_UNAVAILABLE_503,
"route " + route.key + " is overloaded: waited " + config.queueTimeout().toMillis() + " ms");
        }
    }

    /** Picks and acquires a backend with a free permit, or returns null. */
    private BackendState pick(RouteState route, List<BackendState> eligible, String preferred, long now) {
        if (preferred != null) {
            for (BackendState b : eligible) {
                if (b.sessionSuffix.equals(preferred)) {
                    return b.tryAcquire(now) ? b : null; // wait for the owner rather than lose the session
                }
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            List<BackendState> open = new ArrayList<>();
            for (BackendState b : eligible) {
                if (b.inFlight.get() < b.effectiveLimit(now)) {
                    open.add(b);
                }
            }
            if (open.isEmpty()) {
                return null;
            }
            BackendState b = switch (config.strategy()) {
                case ROUND_ROBIN -> smoothRoundRobin(route, open, now);
                case SERVER_LOAD -> twoChoices(open, now);
                case GREEN -> open.getFirst();
            };
            if (b.tryAcquire(now)) {
                return b;
            }
        }
        return null;
    }

    private static BackendState smoothRoundRobin(RouteState route, List<BackendState> open, long now) {
        synchronized (route) {
            double total = 0;
            BackendState best = null;
            for (BackendState b : open) {
                double w = b.effectiveWeight(now);
                b.currentWeight += w;
                total += w;
                if (best == null || b.currentWeight > best.currentWeight) {
                    best = b;
                }
            }
            best.currentWeight -= total;
            return best;
        }
    }

    private static BackendState twoChoices(List<BackendState> open, long now) {
        if (open.size() == 1) {
            return open.getFirst();
        }
        var rnd = ThreadLocalRandom.current();
        BackendState a = open.get(rnd.nextInt(open.size()));
        BackendState b = open.get(rnd.nextInt(open.size() - 1));
        if (b == a) {
            b = open.getLast();
        }
        return a.load(now) <= b.load(now) ? a : b;
    }

    /** A permit came free on {@code b}: hand it to the oldest request waiting for it. */
    private void released(BackendState b) {
        if (waitingTotal.get() == 0) {
            return; // the common case; a request queued meanwhile drains its route itself
        }
        // routes sharing the backend are served oldest waiting request first, so none starves
        List<RouteState> waiting = new ArrayList<>();
        List<Long> since = new ArrayList<>();
        for (RouteState r : routes.values()) {
            if (r.members.contains(b)) {
                synchronized (r.queue) {
                    Exchange head = r.queue.peekFirst();
                    if (head != null) {
                        waiting.add(r);
                        since.add(head.arrived);
                    }
                }
            }
        }
        Integer[] order = new Integer[waiting.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(since::get));
        for (int i : order) {
            serveQueue(waiting.get(i));
        }
    }

    private void serveQueue(RouteState route) {
        while (true) {
            Exchange next = null;
            BackendState picked = null;
            long now = System.nanoTime();
            synchronized (route.queue) {
                for (Iterator<Exchange> it = route.queue.iterator(); it.hasNext(); ) {
                    Exchange ex = it.next();
                    List<BackendState> eligible = new ArrayList<>();
                    for (BackendState b : route.members) {
                        if (b.eligible(now) && !ex.tried.contains(b.endpoint.container())) {
                            eligible.add(b);
                        }
                    }
                    if (ex.preferred != null && eligible.stream().noneMatch(b -> b.sessionSuffix.equals(ex.preferred))) {
                        ex.preferred = null;
                    }
                    picked = pick(route, eligible, ex.preferred, now);
                    if (picked != null) {
                        it.remove();
                        route.waiting.decrementAndGet();
                        waitingTotal.decrementAndGet();
                        shares.leave(ex.queuedAs);
                        next = ex;
                        break;
                    }
                    if (ex.preferred == null) {
                        break; // FIFO: nobody without a preference overtakes the head
                    }
                }
            }
            if (next == null) {
                return;
            }
            if (next.timeout != null) {
                next.timeout.cancel();
            }
            route.queueTime.record(System.nanoTime() - next.arrived, TimeUnit.NANOSECONDS);
            forward(next, picked);
        }
    }

    private void forward(Exchange ex, BackendState b) {
        ex.tried.add(b.endpoint.container());
        long start = System.nanoTime();
        int inFlightAtStart = b.inFlight.get();
        Request in = ex.request;
        var out = client.newRequest(b.origin) // not a "scheme://host:port" string parsed per request
                .method(in.getMethod())
                .path(in.getHttpURI().getPathQuery())
                .timeout(config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    for (HttpField f : in.getHeaders()) {
                        if (!HOP_BY_HOP.contains(f.getLowerCaseName())) {
                            h.add(f);
                        }
                    }
                    h.put(HttpHeader.X_FORWARDED_FOR, Request.getRemoteAddr(in));
                    h.put(HttpHeader.X_FORWARDED_HOST, in.getHttpURI().getHost());
                    h.put(HttpHeader.X_FORWARDED_PROTO, in.getHttpURI().getScheme());
                });
        if (ex.body.length > 0) {
            out.body(new BytesRequestContent(in.getHeaders().get(HttpHeader.CONTENT_TYPE), ex.body));
        }
        out.send(new CollectingListener(MAX_RESPONSE_BYTES) {
            @Override
            public void onComplete(Result result) {
                long now = System.nanoTime();
                b.release();
                ex.route.requestTimer(b).record(now - start, TimeUnit.NANOSECONDS);
                if (result.isFailed()) {
                    failedExchange(ex, b, result, now, now - start, inFlightAtStart);
                } else {
                    int status = result.getResponse().getStatus();
                    boolean bad = status == 502 || status == 503 || status == 504;
                    if (bad) {
                        b.failed(now);
                    } else {
                        b.succeeded();
                    }
                    b.limit.sample(now, ex.route.key, now - start, inFlightAtStart, status == 503);
                    String load = result.getResponse().getHeaders().get(LOAD_HEADER);
                    if (load != null) {
                        try {
                            b.cpuLoad = Math.max(0, Math.min(1, Double.parseDouble(load)));
                        } catch (NumberFormatException ignored) {
                            // a backend that reports nonsense is treated as reporting nothing
                        }
                    }
                    relay(ex, result.getResponse(), content());
                }
                released(b);
            }
        });
    }

    private final Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    private Timer timer(RouteKey route, String backend) {
        return timers.computeIfAbsent(route + "\u0000" + backend, k -> Timer.builder("isohost_lb_request")
                .description("Requests through the balancer, by backend").tags(tags(route))
                .tag("backend", backend).publishPercentiles(0.5, 0.9, 0.99).register(meters));
    }

    private void failedExchange(Exchange ex, BackendState b, Result result, long now, long rtt, int inFlightAtStart) {
        Throwable failure = result.getFailure();
        boolean connectFailed = isConnectFailure(failure);
        b.failed(now);
        b.limit.sample(now, ex.route.key, rtt, inFlightAtStart, true);
        boolean idempotent = HttpMethod.fromString(ex.request.getMethod()) != null
                && HttpMethod.fromString(ex.request.getMethod()).isIdempotent();
        if (ex.tried.size() < config.maxTries() && (connectFailed || idempotent) && hasUntried(ex, now)) {
            dispatch(ex); // another backend; this one is in ex.tried
            return;
        }
        boolean timedOut = failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
        reply(ex.response, ex.callback, timedOut ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502,
                "backend " + b.endpoint.container() + " failed: " + failure.getClass().getSimpleName());
    }

    private boolean hasUntried(Exchange ex, long now) {
        for (BackendState b : currentRoute(ex.route).members) {
            if (b.eligible(now) && !ex.tried.contains(b.endpoint.container())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static void relay(Exchange ex, org.eclipse.jetty.client.Response from, byte[] content) {
        Response to = ex.response;
        to.setStatus(from.getStatus());
        for (HttpField f : from.getHeaders()) {
            if (!NOT_RELAYED.contains(f.getLowerCaseName())) {
                to.getHeaders().add(f);
            }
        }
        to.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
        to.write(true, ByteBuffer.wrap(content), ex.callback);
    }

    private static void reply(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, message + "\n", callback);
    }

    /** Strategy name, for status pages. */
    public Strategy strategy() {
        return config.strategy();
    }
}
