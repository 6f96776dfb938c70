package io.isohost.lb;

import io.isohost.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.isohost.lb.TestEndpoints.endpoint;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The headers a request and its answer carry across the balancer (RFC 9110 §7.6.1, as Jetty's
 * ProxyHandler treats them), seen by a real backend on loopback that echoes what it received.
 */
class ForwardingHeadersTest {
    private TestBackend backend;
    private LoadBalancer lb;

    @AfterEach
    void close() throws Exception {
        if (lb != null) {
            lb.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(BalancerConfig config) throws Exception {
        backend = new TestBackend("echo");
        lb = LoadBalancer.start("127.0.0.1", 0, config.withWarmup(Duration.ZERO));
        lb.replaceRoutes(List.of(new Route(new RouteKey("shop", "echo"), List.of("/*"), List.of(endpoint(backend)))));
    }

    /** One request on a raw connection, so that every header (Host included) is the test's; the answer's head and body. */
    private Answer send(String... headers) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), lb.port())) {
            socket.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder("GET /headers HTTP/1.1\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            var all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            return new Answer(lines(text.substring(0, split), "\r\n"), lines(text.substring(split + 4), "\n"));
        }
    }

    private static Map<String, List<String>> lines(String text, String separator) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : text.split(separator)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    /** The answer's headers, and the request headers the backend received (both by lower-case name). */
    private record Answer(Map<String, List<String>> head, Map<String, List<String>> received) {
        String received(String name) {
            List<String> v = received.get(name);
            return v == null ? null : String.join(", ", v);
        }
    }

    @Test
    void xForwardedForIsAppendedToNotOverwritten() throws Exception {
        start(BalancerConfig.defaults());
        assertEquals("127.0.0.1", send("Host: shop.example").received("x-forwarded-for"), "the client's address");
        assertEquals("203.0.113.7, 198.51.100.2, 127.0.0.1",
                send("Host: shop.example", "X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 198.51.100.2")
                        .received("x-forwarded-for"), "earlier hops kept, in order, this hop's client last");
    }

    @Test
    void hopByHopHeadersAndThoseNamedInConnectionStayBehind() throws Exception {
        start(BalancerConfig.defaults());
        var a = send("Host: shop.example", "Connection: X-Client-Secret, keep-alive", "X-Client-Secret: for the balancer only",
                "Keep-Alive: timeout=5", "TE: trailers", "Proxy-Authorization: Basic Zm9vOmJhcg==", "X-End-To-End: kept");
        for (String gone : List.of("x-client-secret", "keep-alive", "te", "proxy-authorization")) {
            assertNull(a.received(gone), gone + " is not forwarded: " + a.received);
        }
        assertEquals("kept", a.received("x-end-to-end"));
        assertNull(a.head.get("x-hop"), "a response header the backend's Connection names stays behind: " + a.head);
        assertEquals(List.of("end to end"), a.head.get("x-kept"));
    }

    @Test
    void protoHostAndViaSayWhatThisHopReceived() throws Exception {
        start(BalancerConfig.defaults());
        var a = send("Host: shop.example:8080", "X-Forwarded-Proto: https", "X-Forwarded-Host: forged.example",
                "Via: 1.0 edge");
        assertEquals("http", a.received("x-forwarded-proto"), "set from what the balancer received, not trusted from the client");
        assertEquals("shop.example:8080", a.received("x-forwarded-host"), "the Host the client asked for, port included");
        assertEquals("1.0 edge, 1.1 isohost", a.received("via"), "this hop appended");
        assertNull(a.received("forwarded"), "Forwarded is added only when configured");
    }

    @Test
    void forwardedIsAppendedWhenConfigured() throws Exception {
        start(BalancerConfig.defaults().withForwardedHeader(true));
        assertEquals("for=192.0.2.60;proto=https, by=127.0.0.1;for=127.0.0.1;host=\"shop.example:8080\";proto=http",
                send("Host: shop.example:8080", "Forwarded: for=192.0.2.60;proto=https").received("forwarded"));
    }
}
