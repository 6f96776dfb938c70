package io.isohost.lb.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.util.HashSet;
import java.util.Set;

/** One client request on its way to a backend: what it needs across queueing, forwarding and retries. */
final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    /**
     * The route it matched; after a table change the route of the same key is used ({@link RouteTable#current}),
     * and when its route left the table the route its path matches then.
     */
    RouteState route;
    /** The whole body, so that a retry can send it again. */
    final byte[] body;
    final String path;
    final long arrived = System.nanoTime();
    /** Containers tried so far: a retry goes elsewhere. */
    final Set<String> tried = new HashSet<>();
    /** The session suffix of the backend it should go to (sticky session or the service's chooser); null: any. */
    String preferred;
    /** The tenant whose queue share it holds while it waits. */
    String queuedAs;
    Scheduler.Task timeout;

    Exchange(Request request, Response response, Callback callback, RouteState route, byte[] body, String path) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.route = route;
        this.body = body;
        this.path = path;
        this.preferred = StickySessions.owner(request);
    }

    /** Answers the client from the balancer itself (an error), with a short plain-text reason. */
    void refuse(int status, String message) {
        reply(response, callback, status, message);
    }

    static void reply(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, message + "\n", callback);
    }
}
