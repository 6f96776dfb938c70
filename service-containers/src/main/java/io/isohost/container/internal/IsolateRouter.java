package io.isohost.container.internal;

import io.isohost.rm.ResourceContext;
import io.isohost.rm.ResourceDeniedException;
import io.isohost.rm.WorkMeter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The container endpoint's request chain: route by URL pattern to an isolate, admit through the
 * container's policies, dispatch on the isolate's context, meter CPU and allocation.
 */
final class IsolateRouter extends Handler.Abstract {
    /** Where one URL pattern leads. */
    record Route(JavaIsolate isolate, Handler handler, ResourceContext context) {
    }

    private volatile PathMappings<Route> routes = new PathMappings<>();
    private volatile RequestGate gate;

    IsolateRouter(RequestGate gate) {
        this.gate = gate;
    }

    void gate(RequestGate newGate) {
        this.gate = newGate;
    }

    /** Replaces the routes at once; requests already routed finish where they went. */
    synchronized void routes(Map<String, Route> byPattern) {
        PathMappings<Route> next = new PathMappings<>();
        byPattern.forEach((pattern, route) -> next.put(new ServletPathSpec(pattern), route));
        routes = next;
    }

    List<String> patterns() {
        return routes.getMappings().stream().map(m -> m.getPathSpec().getDeclaration()).toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        MatchedResource<Route> match = routes.getMatched(Request.getPathInContext(request));
        if (match == null) {
            return false;
        }
        Route route = match.getResource();
        AutoCloseable admission;
        try {
            admission = gate.admit();
        } catch (ResourceDeniedException e) {
            reject(response, callback, e);
            return true;
        }
        JavaIsolate isolate = route.isolate();
        isolate.counters().inFlight.incrementAndGet();
        Completion done = new Completion(callback, isolate, admission);
        WorkMeter.Sample sample = WorkMeter.start();
        boolean handled;
        try {
            handled = route.context().call(() -> route.handler().handle(request, response, done));
        } catch (Throwable t) {
            isolate.meterRequest(sample.stop(), true);
            done.failed(t);
            return true;
        }
        isolate.meterRequest(sample.stop(), done.failed || response.getStatus() >= 500);
        if (!handled) {
            done.end(); // the server answers 404 itself with the original callback
            return false;
        }
        return true;
    }

    /** Ends the request for the isolate and its admission when the response completes. */
    private static final class Completion implements Callback {
        private final Callback callback;
        private final JavaIsolate isolate;
        private final AutoCloseable admission;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean failed;

        Completion(Callback callback, JavaIsolate isolate, AutoCloseable admission) {
            this.callback = callback;
            this.isolate = isolate;
            this.admission = admission;
        }

        @Override
        public void succeeded() {
            end();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            failed = true;
            end();
            callback.failed(x);
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                isolate.counters().inFlight.decrementAndGet();
                try {
                    admission.close();
                } catch (Exception ignored) {
                    // closing an admission does not fail
                }
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }
    }

    private static void reject(Response response, Callback callback, ResourceDeniedException e) {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, e.getMessage() + "\n", callback);
    }
}
