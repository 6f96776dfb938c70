package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import io.isohost.lb.Endpoint;
import io.isohost.lb.Route;
import io.isohost.lb.RouteKey;
import io.isohost.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The balancer's uses of Jetty beyond its documented configuration each still take effect: a Jetty
 * upgrade that changes what they rely on fails here (or fails to compile {@link JettyInternals}).
 */
class JettyInternalsTest {
    private TestBackend backend;
    private Server balancer;

    @AfterEach
    void stop() throws Exception {
        if (balancer != null) {
            balancer.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** The balancer as LoadBalancer wires it: one listener whose selector carries both sides, the resuming pool. */
    private JettyInternals.Listener start(JettyInternals.ServerThreadPool pool) throws Exception {
        backend = new TestBackend("b");

        balancer = new Server(pool);
        var listen = new JettyInternals.Listener(balancer, 1);
        var transport = new HttpClientTransportOverHTTP(listen.backends());
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        var client = new HttpClient(transport);
        var scheduler = new ScheduledExecutorScheduler("test-scheduler", true);
        listen.setHost("127.0.0.1");
        balancer.addConnector(listen);
        var dispatcher = new Dispatcher(BalancerConfig.defaults().withWarmup(java.time.Duration.ZERO), client, scheduler,
                Optional.empty(), new SimpleMeterRegistry());
        balancer.setHandler(dispatcher);
        balancer.addBean(client);
        balancer.addBean(scheduler);
        balancer.start();
        dispatcher.replaceRoutes(List.of(new Route(new RouteKey("s", "all"), List.of("/*"),
                List.of(new Endpoint(backend.uri(), backend.name())))));
        return listen;
    }

    @Test
    void backendConnectionsShareTheListenersSelectorAndKeptAliveClientsAwaitTheirNextRequestWithoutAPoolHop() throws Exception {
        var pool = new JettyInternals.ServerThreadPool(Thread.ofPlatform().factory());
        var listen = start(pool);
        int requests = 5;
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), listen.getLocalPort())) {
            socket.setSoTimeout(30_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            for (int i = 0; i < requests; i++) {
                socket.getOutputStream().write("GET /x HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                readAnswer(in);
            }
            // the client's connection and the pooled backend connection: both registered with the listener's selector
            assertEquals(2, listen.getSelectorManager().getTotalKeys(),
                    "the backend side no longer shares the listener's selector (ClientConnector's SelectorManager hook)");
        }
        assertTrue(pool.awaitedNextRequest.sum() >= requests - 1,
                "kept-alive connections are no longer resumed through ServerThreadPool as an empty HttpConnection: "
                        + pool.awaitedNextRequest.sum());
    }

    private static void readAnswer(BufferedReader in) throws IOException {
        assertEquals("HTTP/1.1 200 OK", in.readLine());
        int length = -1;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        assertEquals(length, in.read(body, 0, length));
        assertEquals("b /x", new String(body));
    }
}
