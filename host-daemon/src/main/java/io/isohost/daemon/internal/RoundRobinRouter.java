package io.isohost.daemon.internal;

import io.isohost.daemon.deploy.RouteListener;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's own front door until a component-aware load balancer takes over: a reverse proxy
 * that sends each request, by the URL patterns of the deployment's routes, to the containers
 * hosting that component in turn. The table is replaced whole on every deployment change.
 */
public final class RoundRobinRouter implements RouteListener, AutoCloseable {
    private static final String TARGET = RoundRobinRouter.class.getName() + ".target";

    private record Target(List<URI> endpoints, AtomicInteger next) {
        URI pick() {
            return endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size()));
        }
    }

    private volatile PathMappings<Target> table = new PathMappings<>();
    private final Server server;

    public RoundRobinRouter(String address, int port) throws IOException {
        server = new Server(new QueuedThreadPool(64, 4));
        var connector = new ServerConnector(server, 1, 1);
        connector.setHost(address);
        connector.setPort(port);
        server.addConnector(connector);
        var proxy = new ProxyHandler.Reverse(request -> {
            URI to = (URI) request.getAttribute(TARGET);
            return HttpURI.build(request.getHttpURI()).scheme("http").host(to.getHost()).port(to.getPort());
        });
        server.setHandler(new Handler.Wrapper(proxy) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                MatchedResource<Target> match = table.getMatched(Request.getPathInContext(request));
                if (match == null) {
                    return false; // 404: no component answers this path
                }
                request.setAttribute(TARGET, match.getResource().pick());
                return super.handle(request, response, callback);
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("router port " + port + " on " + address + " is already in use or cannot be opened", e);
        }
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void routesChanged(Map<String, Route> routes) {
        PathMappings<Target> next = new PathMappings<>();
        for (Route r : routes.values()) {
            if (r.endpoints().isEmpty()) {
                continue;
            }
            Target t = new Target(List.copyOf(r.endpoints()), new AtomicInteger());
            for (String pattern : r.urlPatterns()) {
                next.put(new ServletPathSpec(pattern), t);
            }
        }
        table = next;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping a server that never started
        }
    }
}
