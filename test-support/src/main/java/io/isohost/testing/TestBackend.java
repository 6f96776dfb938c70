package io.isohost.testing;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real Jetty HTTP server on loopback for tests of what talks to backends (the balancer, load
 * generators). It answers {@code NAME PATH} (and the request body, if any), or at {@code /headers}
 * the request headers it received, one {@code name: value} a line, with a response that names a
 * hop-by-hop header ({@code Connection: X-Hop}) for a proxy to drop, or, with {@link #pages}, the
 * page a test makes for the path. It counts requests, can hold them until {@link #hold} is counted
 * down, and can close every connection after its answer.
 */
public final class TestBackend implements AutoCloseable {
    private final String name;
    /** Requests answered. */
    public final AtomicInteger requests = new AtomicInteger();
    /** Requests arrived, held or not. */
    public final AtomicInteger arrived = new AtomicInteger();
    /** When set, requests wait (up to a minute) for this latch before they are answered. */
    public volatile CountDownLatch hold;
    /** When set, every answer closes its connection. */
    public volatile boolean closeConnections;
    /** When set, the body of every answer but {@code /headers}'s, from the request's path (a fake application's pages). */
    public volatile Function<String, String> pages;
    private final Server server;

    /** A backend on {@code port} (0: any free one). */
    public TestBackend(String name, int port) throws Exception {
        this.name = name;
        server = new Server();
        var connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                arrived.incrementAndGet();
                CountDownLatch h = hold;
                if (h != null) {
                    h.await(60, TimeUnit.SECONDS);
                }
                requests.incrementAndGet();
                if (closeConnections) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                String path = Request.getPathInContext(request);
                if (path.equals("/headers")) {
                    StringBuilder all = new StringBuilder();
                    request.getHeaders().forEach(f -> all.append(f.getName()).append(": ").append(f.getValue()).append('\n'));
                    response.getHeaders().put("Connection", "X-Hop");
                    response.getHeaders().put("X-Hop", "only to the next hop");
                    response.getHeaders().put("X-Kept", "end to end");
                    Content.Sink.write(response, true, all.toString(), callback);
                    return true;
                }
                String body = Content.Source.asString(request);
                Function<String, String> p = pages;
                if (p != null) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html");
                    Content.Sink.write(response, true, p.apply(path), callback);
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, name + " " + path + (body.isEmpty() ? "" : " " + body), callback);
                return true;
            }
        });
        server.start();
    }

    public TestBackend(String name) throws Exception {
        this(name, 0);
    }

    public String name() {
        return name;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT/} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    @Override
    public void close() throws Exception {
        CountDownLatch h = hold;
        if (h != null) {
            h.countDown();
        }
        server.stop();
    }
}
