package io.isohost.lb;

import io.isohost.testing.FreePorts;
import io.isohost.testing.TestBackend;
import io.isohost.testing.Waits;
import io.isohost.lb.internal.LimitController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.isohost.lb.TestEndpoints.endpoint;
import static org.junit.jupiter.api.Assertions.*;

class LoadBalancerTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LoadBalancer lb;
    // the common pool has one thread on a 2-core machine: held requests need threads of their own
    private final java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        if (lb != null) {
            lb.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
        clients.shutdownNow();
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend b = new TestBackend(name);
        closing.add(b);
        return b;
    }

    private void start(BalancerConfig config, Route... routes) throws IOException {
        lb = LoadBalancer.start("127.0.0.1", 0, config.withWarmup(Duration.ZERO));
        lb.replaceRoutes(List.of(routes));
    }

    private HttpResponse<String> get(String path, String... headers) {
        try {
            var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.port() + path)).timeout(Duration.ofSeconds(60));
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The service of the tests' routes, unless a test names another. */
    private static final String SERVICE = "shop";

    private static RouteKey key(String name) {
        return new RouteKey(SERVICE, name);
    }

    private static Route route(String component, String pattern, TestBackend... bs) {
        return new Route(key(component), List.of(pattern), List.of(bs).stream().map(TestEndpoints::endpoint).toList());
    }

    @Test
    void eachComponentGoesOnlyToTheBackendsHostingIt() throws Exception {
        var a = backend("a");
        var b = backend("b");
        start(BalancerConfig.defaults(), route("browse", "/browse/*", a), route("bid", "/bid", b));
        for (int i = 0; i < 5; i++) {
            assertEquals("a /browse/items", get("/browse/items").body());
            assertEquals("b /bid", get("/bid").body());
        }
        assertEquals(404, get("/nothing").statusCode());
        assertEquals(5, a.requests.get());
        assertEquals(5, b.requests.get());
    }

    @Test
    void twoServicesWithTheSameServletEachReachOnlyTheirOwnBackends() throws Exception {
        var acme = backend("acme-1");
        var rice = backend("rice-1");
        // the same servlet (name and class) in two services: two routes, each on its own URL space
        start(BalancerConfig.defaults(),
                new Route(new RouteKey("acme-shop", "Hello"), List.of("/acme/*"), List.of(endpoint(acme)), "acme"),
                new Route(new RouteKey("rice-shop", "Hello"), List.of("/rice/*"), List.of(endpoint(rice)), "rice"));
        for (int i = 0; i < 5; i++) {
            assertEquals("acme-1 /acme/hello", get("/acme/hello").body());
            assertEquals("rice-1 /rice/hello", get("/rice/hello").body());
        }
        assertEquals(5, acme.requests.get(), "acme's backend saw acme's requests only");
        assertEquals(5, rice.requests.get(), "rice's backend saw rice's requests only");
        assertEquals(5, lb.stats().get(new RouteKey("acme-shop", "Hello")).requests(), "each route is measured on its own");
        assertEquals(5, lb.stats().get(new RouteKey("rice-shop", "Hello")).requests());
        assertThrows(IllegalArgumentException.class, () -> lb.replaceRoutes(List.of(route("c", "/a", acme), route("c", "/b", rice))),
                "a table naming one route twice is refused");
        assertEquals("acme-1 /acme/x", get("/acme/x").body(), "and the table in force stays");
    }

    @Test
    void aDrainedEndpointTakesNoNewRequestAndReportsWhenItsLastOneFinished() throws Exception {
        var leaving = backend("leaving");
        var staying = backend("staying");
        leaving.hold = new CountDownLatch(1);
        start(BalancerConfig.defaults().withStrategy(Strategy.GREEN), route("c", "/*", leaving, staying));
        var inFlight = CompletableFuture.supplyAsync(() -> get("/slow"), clients);
        Waits.await("1 request(s) arrived at leaving").until(() -> leaving.arrived.get() >= 1);
        var drained = lb.drain(leaving.uri(), Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) {
            assertEquals("staying /new", get("/new", "Cookie", "JSESSIONID=s1.leaving").body(),
                    "new requests, sticky ones too, go to the endpoint that stays");
        }
        assertFalse(drained.isDone(), "a request is still in flight to the drained endpoint");
        assertFalse(lb.drain(leaving.uri(), Duration.ofMillis(50)).get(60, TimeUnit.SECONDS),
                "a drain whose timeout passes first says so");
        leaving.hold.countDown();
        assertEquals("leaving /slow", inFlight.get(60, TimeUnit.SECONDS).body(), "the request in flight finished where it went");
        assertTrue(drained.get(60, TimeUnit.SECONDS), "the drain completes when the last request finished");
        assertEquals(1, leaving.requests.get());

        lb.replaceRoutes(List.of(route("c", "/*", staying)));
        assertTrue(lb.drain(staying.uri(), Duration.ofSeconds(1)).get(60, TimeUnit.SECONDS), "an idle endpoint drains at once");
        // the route's only endpoint is being drained (its container changing): a request waits for the next table
        var waiting = CompletableFuture.supplyAsync(() -> get("/back"), clients);
        Waits.await("1 request(s) queued for c").until(() -> lb.queued(key("c")) >= 1);
        assertEquals(1, lb.queued(key("c")), "queued, not refused");
        lb.replaceRoutes(List.of(route("c", "/*", staying)));
        assertEquals("staying /back", waiting.get(60, TimeUnit.SECONDS).body(), "listed again, a drained endpoint takes requests");
    }

    /** Route "old" on {@code busy}, whose one permit a held request takes; a second request waits for it. */
    private CompletableFuture<HttpResponse<String>> waitingBehindAHeldRequest(TestBackend busy, String path) throws Exception {
        busy.hold = new CountDownLatch(1);
        start(BalancerConfig.defaults().withLimits(1, 1, 1).withQueue(16, Duration.ofSeconds(60)), route("old", "/*", busy));
        closing.add(0, busy.hold::countDown); // before the backend stops
        clients.submit(() -> get("/held"));
        Waits.await("1 request(s) held at the busy backend").until(() -> busy.arrived.get() >= 1);
        var waiting = CompletableFuture.supplyAsync(() -> get(path), clients);
        Waits.await("1 request(s) queued for old").until(() -> lb.queued(key("old")) == 1);
        return waiting;
    }

    @Test
    void aRequestWaitingOnARouteThatLeavesTheTableGoesWhereItsPathLeadsNow() throws Exception {
        var busy = backend("busy");
        var next = backend("next");
        var waiting = waitingBehindAHeldRequest(busy, "/waiting");
        lb.replaceRoutes(List.of(route("old", "/*", busy))); // a table change keeps it waiting on its route
        assertEquals(1, lb.queued(key("old")));
        lb.replaceRoutes(List.of(route("new", "/*", next))); // then its route leaves the table
        assertEquals("next /waiting", waiting.get(60, TimeUnit.SECONDS).body(), "served by the route its path matches now");
        assertEquals(0, lb.queued(key("old")));
    }

    @Test
    void aRequestWaitingOnARouteThatLeavesTheTableWithNoRouteForItsPathIsRefused() throws Exception {
        var busy = backend("busy");
        var waiting = waitingBehindAHeldRequest(busy, "/waiting");
        lb.replaceRoutes(List.of(route("other", "/other", backend("other"))));
        var refused = waiting.get(60, TimeUnit.SECONDS);
        assertEquals(503, refused.statusCode(), "answered at once, not left waiting for its queue timeout");
        assertTrue(refused.body().contains("route shop/old was removed"), refused.body());
    }

    @Test
    void aRouteWhoseBackendsAreAllDownIsRefusedAtOnce() throws Exception {
        int deadPort = FreePorts.port(); // nothing listens there
        lb = LoadBalancer.start("127.0.0.1", 0, BalancerConfig.defaults().withRecovery(1, Duration.ofSeconds(60))
                .withQueue(16, Duration.ofSeconds(60)).withWarmup(Duration.ZERO));
        lb.replaceRoutes(List.of(new Route(key("c"), List.of("/*"),
                List.of(new Endpoint(URI.create("http://127.0.0.1:" + deadPort + "/"), "dead")))));
        assertEquals(502, get("/x").statusCode(), "the connect failure, with no other backend to try");
        var refused = get("/x");
        assertEquals(503, refused.statusCode(), "ejected, unlike a drained backend, it is not waited for");
        assertTrue(refused.body().contains("no live backend"), refused.body());
    }

    @Test
    void roundRobinSharesByWeight() throws Exception {
        var light = backend("light");
        var heavy = backend("heavy");
        start(BalancerConfig.defaults().withStrategy(Strategy.ROUND_ROBIN),
                new Route(key("c"), List.of("/*"), List.of(endpoint(light, 100), endpoint(heavy, 300))));
        for (int i = 0; i < 40; i++) {
            assertEquals(200, get("/x").statusCode());
        }
        assertEquals(10, light.requests.get());
        assertEquals(30, heavy.requests.get());
    }

    @Test
    void serverLoadSendsNewWorkAwayFromABusyBackend() throws Exception {
        var busy = backend("busy");
        var idle = backend("idle");
        busy.hold = new CountDownLatch(1);
        start(BalancerConfig.defaults().withStrategy(Strategy.SERVER_LOAD), route("c", "/*", busy, idle));
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        Waits.await("3 requests held at the busy backend").until(() -> {
            if (busy.arrived.get() >= 3) {
                return true;
            }
            held.add(CompletableFuture.supplyAsync(() -> get("/slow"), clients));
            return false;
        });
        // every new request is answered by the idle backend (slow ones still on their way may land there too)
        for (int i = 0; i < 10; i++) {
            assertEquals("idle /fast", get("/fast").body());
        }
        busy.hold.countDown();
        for (var f : held) {
            assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void greenFillsTheFirstBackendBeforeTheNext() throws Exception {
        var first = backend("first");
        var second = backend("second");
        start(BalancerConfig.defaults().withStrategy(Strategy.GREEN), route("c", "/*", first, second));
        for (int i = 0; i < 10; i++) {
            assertEquals("first /x", get("/x").body());
        }
        assertEquals(0, second.requests.get(), "an idle second backend could be switched off");
    }

    @Test
    void stickySessionsStayWithTheirOwnerAndMoveWhenItGoes() throws Exception {
        var b1 = backend("b1");
        var b2 = backend("b2");
        start(BalancerConfig.defaults().withStrategy(Strategy.ROUND_ROBIN), route("c", "/*", b1, b2));
        for (int i = 0; i < 6; i++) {
            assertEquals("b2 /cart", get("/cart", "Cookie", "JSESSIONID=abc123.b2").body());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("b1 /cart", get("/cart;jsessionid=xyz.b1").body(), "a session id in the path sticks too");
        }
        lb.replaceRoutes(List.of(route("c", "/*", b1)));
        var moved = get("/cart", "Cookie", "JSESSIONID=abc123.b2");
        assertEquals(200, moved.statusCode());
        assertEquals("b1 /cart", moved.body(), "the owner no longer hosts the component: redispatch");
    }

    @Test
    void overloadQueuesInOrderThenRefusesWith503() throws Exception {
        var slow = backend("slow");
        slow.hold = new CountDownLatch(1);
        start(BalancerConfig.defaults().withLimits(1, 1, 1).withQueue(2, Duration.ofSeconds(60)), route("c", "/*", slow));
        List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
        admitted.add(CompletableFuture.supplyAsync(() -> get("/1"), clients));
        Waits.await("1 request(s) arrived at slow").until(() -> slow.arrived.get() >= 1);
        admitted.add(CompletableFuture.supplyAsync(() -> get("/2"), clients));
        admitted.add(CompletableFuture.supplyAsync(() -> get("/3"), clients));
        Waits.await("2 request(s) queued for c").until(() -> lb.queued(key("c")) >= 2);
        assertEquals(2, lb.queued(key("c")), "two requests wait in the queue");
        var refused = get("/4");
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        assertTrue(refused.body().contains("queue is full"), refused.body());
        assertEquals(1, slow.arrived.get(), "one request at a time reaches the backend");
        slow.hold.countDown();
        for (var f : admitted) {
            assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void aTenantFloodingTheQueueCannotTakeAnotherTenantsGuaranteedShare() throws Exception {
        var slow = backend("slow");
        slow.hold = new CountDownLatch(1);
        // one request at a time reaches the backend; 4 may wait, 2 of them guaranteed to each tenant
        start(BalancerConfig.defaults().withLimits(1, 1, 1).withQueue(4, Duration.ofSeconds(60))
                        .withTenantQueueShares(java.util.Map.of("acme", 0.5, "rice", 0.5)),
                new Route(key("shop"), List.of("/shop/*"), List.of(endpoint(slow)), "acme"),
                new Route(key("auction"), List.of("/auction/*"), List.of(endpoint(slow)), "rice"));
        List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
        admitted.add(CompletableFuture.supplyAsync(() -> get("/shop/0"), clients));
        Waits.await("1 request(s) arrived at slow").until(() -> slow.arrived.get() >= 1);
        for (int i = 1; i <= 2; i++) {
            String path = "/shop/" + i;
            admitted.add(CompletableFuture.supplyAsync(() -> get(path), clients));
        }
        Waits.await("2 request(s) queued for shop").until(() -> lb.queued(key("shop")) >= 2);
        var flood = get("/shop/3");
        assertEquals(503, flood.statusCode(), "acme is over its share and the rest is held for rice");
        assertTrue(flood.body().contains("share"), flood.body());
        for (int i = 1; i <= 2; i++) {
            String path = "/auction/" + i;
            admitted.add(CompletableFuture.supplyAsync(() -> get(path), clients));
        }
        Waits.await("2 request(s) queued for auction").until(() -> lb.queued(key("auction")) >= 2);
        assertEquals(2, lb.queued(key("auction")), "rice still gets its guaranteed places");
        slow.hold.countDown();
        for (var f : admitted) {
            assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void queueSharesAdmitUnderTheGuaranteeAndIntoUnreservedRoomOnly() {
        var shares = new io.isohost.lb.internal.QueueShares(java.util.Map.of("a", 0.25, "b", 0.25), 8); // 2 each, 4 free
        for (int i = 0; i < 6; i++) {
            assertTrue(shares.tryEnter("a"), "a's 2 guaranteed plus the 4 unreserved: " + i);
        }
        assertFalse(shares.tryEnter("a"), "b's 2 places stay free for b");
        assertFalse(shares.tryEnter("nobody"), "a tenant without a share only gets unreserved room");
        assertTrue(shares.tryEnter("b"));
        assertTrue(shares.tryEnter("b"));
        assertFalse(shares.tryEnter("b"), "the queue is full");
        shares.leave("a");
        assertTrue(shares.tryEnter("nobody"), "a freed unreserved place goes to whoever comes");
        assertThrows(IllegalArgumentException.class,
                () -> BalancerConfig.defaults().withTenantQueueShares(java.util.Map.of("a", 0.7, "b", 0.5)));
    }

    @Test
    void theLimitFallsWhenTheBackendSlowsAndRisesWhenItRecovers() {
        var c = new LimitController(20, 4, 200);
        long now = 0;
        long ms = 1_000_000L;
        for (int w = 0; w < 10; w++) {           // fast and busy: N grows
            for (int i = 0; i < 20; i++) {
                c.sample(now += 20 * ms, 10 * ms, c.limit(), false);
            }
        }
        int grown = c.limit();
        assertTrue(grown > 20, "N rises while the backend answers at its baseline: " + grown);
        for (int w = 0; w < 10; w++) {           // five times slower: N falls
            for (int i = 0; i < 20; i++) {
                c.sample(now += 20 * ms, 50 * ms, c.limit(), false);
            }
        }
        int fallen = c.limit();
        assertTrue(fallen < grown / 2, "N falls when the backend slows: " + grown + " -> " + fallen);
        for (int w = 0; w < 10; w++) {           // fast again: N rises
            for (int i = 0; i < 20; i++) {
                c.sample(now += 20 * ms, 10 * ms, c.limit(), false);
            }
        }
        assertTrue(c.limit() > fallen, "N rises when the backend recovers: " + fallen + " -> " + c.limit());
        for (int i = 0; i < 20; i++) {           // idle: nothing to learn, N holds
            c.sample(now += 20 * ms, 10 * ms, 1, false);
        }
        int before = c.limit();
        for (int i = 0; i < 100; i++) {
            c.sample(now += 20 * ms, 10 * ms, 1, false);
        }
        assertEquals(before, c.limit(), "a backend that is never busy does not earn a higher limit");
    }

    @Test
    void aDeadBackendIsRetriedAroundEjectedAndTakenBackWhenItRecovers() throws Exception {
        var live = backend("live");
        int deadPort = FreePorts.port(); // nothing listens there
        var dead = new Endpoint(URI.create("http://127.0.0.1:" + deadPort + "/"), "dead");
        lb = LoadBalancer.start("127.0.0.1", 0, BalancerConfig.defaults().withStrategy(Strategy.ROUND_ROBIN)
                .withRecovery(2, Duration.ofMillis(300)).withWarmup(Duration.ZERO));
        lb.replaceRoutes(List.of(new Route(key("c"), List.of("/*"), List.of(endpoint(live), dead))));
        for (int i = 0; i < 10; i++) {
            assertEquals("live /x", get("/x").body(), "a connect failure is retried on another backend");
        }
        var revived = new TestBackend("dead", deadPort);
        closing.add(revived);
        Waits.await("the recovered backend gets traffic again").until(() -> {
            assertEquals(200, get("/x").statusCode());
            return revived.requests.get() > 0;
        });
    }

    @Test
    void aBackendThatGoesAwayMidRequestIsRetriedElsewhereOnlyWhenThatCannotRunTheRequestTwice() throws Exception {
        var good = backend("good");
        var seen = new java.util.concurrent.atomic.AtomicInteger();
        try (var resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // reads the request whole, then resets the connection before any response byte
            Thread.ofPlatform().daemon().start(() -> {
                while (!resetting.isClosed()) {
                    try (var s = resetting.accept()) {
                        s.getInputStream().read(new byte[8192]);
                        seen.incrementAndGet();
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            var gone = new Endpoint(URI.create("http://127.0.0.1:" + resetting.getLocalPort() + "/"), "gone");
            // green: every request tries the first backend first; ejection is kept out of the way
            lb = LoadBalancer.start("127.0.0.1", 0, BalancerConfig.defaults().withStrategy(Strategy.GREEN)
                    .withRecovery(100, Duration.ofSeconds(1)).withWarmup(Duration.ZERO));
            lb.replaceRoutes(List.of(new Route(key("c"), List.of("/*"), List.of(gone, endpoint(good)))));
            assertEquals("good /item", get("/item").body(), "an idempotent request is retried on another backend");
            assertEquals(1, seen.get());
            var post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.port() + "/bid"))
                    .POST(HttpRequest.BodyPublishers.ofString("amount=12")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, post.statusCode(), "a POST the backend may have run is not run again elsewhere");
            assertEquals(2, seen.get());
            assertEquals(0, good.requests.get() - 1, "the POST did not reach the other backend");
        }
        // a backend that refuses connections was sent nothing: even a POST moves on
        int refusingPort = FreePorts.port(); // nothing listens there
        lb.replaceRoutes(List.of(new Route(key("c"), List.of("/*"),
                List.of(new Endpoint(URI.create("http://127.0.0.1:" + refusingPort + "/"), "refusing"), endpoint(good)))));
        var post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.port() + "/bid"))
                .POST(HttpRequest.BodyPublishers.ofString("amount=13")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("good /bid amount=13", post.body());
    }

    @Test
    void badInputGetsAProperErrorAndEveryoneElseIsServed() throws Exception {
        var good = backend("good");
        try (var garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!garbage.isClosed()) {
                    try (var s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                        s.getInputStream().read(new byte[4096]);
                        out.write("this is not HTTP at all\r\n\r\n".getBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            var broken = new Endpoint(URI.create("http://127.0.0.1:" + garbage.getLocalPort() + "/"), "broken");
            lb = LoadBalancer.start("127.0.0.1", 0, BalancerConfig.defaults().withWarmup(Duration.ZERO));
            lb.replaceRoutes(List.of(route("ok", "/ok", good),
                    new Route(key("bad"), List.of("/bad"), List.of(broken))));
            assertEquals(502, get("/bad").statusCode());
            assertEquals(404, get("/unknown").statusCode());
            assertEquals(431, get("/ok", "X-Big", "x".repeat(20_000)).statusCode());
            assertEquals("good /ok", get("/ok").body());
        }
    }

    @Test
    void requestBodiesAndMethodsPassThrough() throws Exception {
        var b = backend("b");
        start(BalancerConfig.defaults(), route("c", "/*", b));
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.port() + "/bid?item=3"))
                .POST(HttpRequest.BodyPublishers.ofString("amount=12")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("b /bid amount=12", r.body());
        assertTrue(lb.stats().get(key("c")).requests() >= 1);
    }

    @Test
    void oversizedBodiesGet413AndLoseNothing() throws Exception {
        var b = backend("b");
        start(BalancerConfig.defaults().withMaxRequestBytes(1024), route("c", "/*", b));
        URI uri = URI.create("http://127.0.0.1:" + lb.port() + "/post");
        byte[] big = "y".repeat(4096).getBytes();
        var declared = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, declared.statusCode(), "a Content-Length over the limit");
        var chunked = http.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), "a chunked body that grows past the limit");
        var small = http.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("z=1".getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("b /post z=1", small.body(), "a chunked body within the limit passes whole");
        assertEquals(0, lb.stats().get(key("c")).requests() - 1, "only the request within the limit reached the backend");
    }

    @Test
    void aKeptAliveConnectionIsAnsweredInOrderOnceEachWithOneDateAndTheBackendsServer() throws Exception {
        var b = backend("b");
        start(BalancerConfig.defaults(), route("c", "/*", b));
        try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), lb.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            String get = "GET /%s HTTP/1.1\r\nHost: lb\r\n\r\n";
            out.write(get.formatted("one").getBytes()); // alone: the connection then waits for its next request
            assertAnswer(in, "b /one");
            Thread.sleep(50);
            out.write((get.formatted("two") + get.formatted("three")).getBytes()); // pipelined: the second is buffered
            assertAnswer(in, "b /two");
            assertAnswer(in, "b /three");
            out.write(get.formatted("four").getBytes());
            assertAnswer(in, "b /four");
        }
    }

    /** Reads one answer off a raw connection: status 200, exactly one Date and one Server header, the body. */
    private static void assertAnswer(java.io.DataInputStream in, String body) throws IOException {
        List<String> headers = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            assertNotEquals(-1, c, "connection closed mid-answer");
            if (c == '\n') {
                String l = line.toString().strip();
                line.setLength(0);
                if (l.isEmpty()) {
                    break;
                }
                headers.add(l);
            } else {
                line.append((char) c);
            }
        }
        assertEquals("HTTP/1.1 200 OK", headers.getFirst());
        assertEquals(1, headers.stream().filter(h -> h.regionMatches(true, 0, "date:", 0, 5)).count(), headers.toString());
        assertEquals(List.of("Server: Jetty(" + org.eclipse.jetty.util.Jetty.VERSION + ")"),
                headers.stream().filter(h -> h.regionMatches(true, 0, "server:", 0, 7)).toList(), "the backend's, relayed");
        int length = headers.stream().filter(h -> h.regionMatches(true, 0, "content-length:", 0, 15))
                .map(h -> Integer.parseInt(h.substring(15).strip())).findFirst().orElseThrow();
        byte[] content = new byte[length];
        in.readFully(content);
        assertEquals(body, new String(content));
    }
}
