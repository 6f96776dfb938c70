package io.isohost.lb;

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

/**
 * A real Jetty backend on loopback that answers with its name and path (at {@code /headers}, with
 * the request headers it received), and can be told to hold requests.
 */
final class TestBackend implements AutoCloseable {
    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger arrived = new AtomicInteger();
    volatile CountDownLatch hold;
    private final Server server;

    TestBackend(String name, int port) throws Exception {
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
                String path = Request.getPathInContext(request);
                if (path.equals("/headers")) { // echoes the headers it received, one "name: value" a line
                    StringBuilder all = new StringBuilder();
                    request.getHeaders().forEach(f -> all.append(f.getName()).append(": ").append(f.getValue()).append('\n'));
                    response.getHeaders().put("Connection", "X-Hop");   // names a header meant for the balancer alone
                    response.getHeaders().put("X-Hop", "only to the next hop");
                    response.getHeaders().put("X-Kept", "end to end");
                    Content.Sink.write(response, true, all.toString(), callback);
                    return true;
                }
                String body = Content.Source.asString(request);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, name + " " + Request.getPathInContext(request)
                        + (body.isEmpty() ? "" : " " + body), callback);
                return true;
            }
        });
        server.start();
    }

    TestBackend(String name) throws Exception {
        this(name, 0);
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    Endpoint endpoint() {
        return new Endpoint(uri(), name);
    }

    Endpoint endpoint(int weight) {
        return new Endpoint(uri(), name, weight);
    }

    @Override
    public void close() throws Exception {
        if (hold != null) {
            hold.countDown();
        }
        server.stop();
    }
}
