package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends a request whose backend permit is taken over a pooled keep-alive connection, relays the
 * answer, and settles the permit: it is released when the answer is complete, its timing feeds the
 * backend's limit controller, and its outcome the backend's health. A failed request is retried on
 * another backend of its route when that cannot run it twice: after a connect failure (nothing was
 * sent), or for an idempotent method, up to {@link BalancerConfig#maxTries()}.
 */
final class Forwarder {
    /** Responses are relayed whole; beyond this the exchange fails with 502. */
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final BalancerConfig config;
    private final HttpClient client;
    private final ForwardingHeaders headers;
    private final RouteTable table;
    private final Consumer<Exchange> retry;
    private final Consumer<BackendState> released;

    /**
     * @param retry    dispatches a failed request again (its tried backends are left out)
     * @param released told after each permit is released, so that a waiting request can take it
     */
    Forwarder(BalancerConfig config, HttpClient client, RouteTable table, Consumer<Exchange> retry,
              Consumer<BackendState> released) {
        this.config = config;
        this.client = client;
        this.headers = new ForwardingHeaders(config.forwardedHeader());
        this.table = table;
        this.retry = retry;
        this.released = released;
    }

    void forward(Exchange ex, BackendState b) {
        ex.tried.add(b.endpoint.container());
        long start = System.nanoTime();
        int inFlightAtStart = b.inFlight.get();
        Request in = ex.request;
        var out = client.newRequest(b.origin) // not a "scheme://host:port" string parsed per request
                .method(in.getMethod())
                .path(in.getHttpURI().getPathQuery())
                .timeout(config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> headers.request(in, h));
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
                    failed(ex, b, result.getFailure(), now, now - start, inFlightAtStart);
                } else {
                    answered(ex, b, result.getResponse(), content(), now, now - start, inFlightAtStart);
                }
                released.accept(b);
            }
        });
    }

    private static void answered(Exchange ex, BackendState b, org.eclipse.jetty.client.Response from, byte[] content,
                                 long now, long rtt, int inFlightAtStart) {
        int status = from.getStatus();
        if (status == 502 || status == 503 || status == 504) {
            b.failed(now);
        } else {
            b.succeeded();
        }
        b.limit.sample(now, ex.route.key, rtt, inFlightAtStart, status == 503);
        String load = from.getHeaders().get(ForwardingHeaders.LOAD_HEADER);
        if (load != null) {
            try {
                b.cpuLoad = Math.max(0, Math.min(1, Double.parseDouble(load)));
            } catch (NumberFormatException ignored) {
                // a backend that reports nonsense is treated as reporting nothing
            }
        }
        Response to = ex.response;
        to.setStatus(status);
        Set<String> named = ForwardingHeaders.connectionOptions(from.getHeaders());
        for (HttpField f : from.getHeaders()) {
            if (ForwardingHeaders.relayed(f, named)) {
                to.getHeaders().add(f);
            }
        }
        to.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
        to.write(true, ByteBuffer.wrap(content), ex.callback);
    }

    private void failed(Exchange ex, BackendState b, Throwable failure, long now, long rtt, int inFlightAtStart) {
        b.failed(now);
        b.limit.sample(now, ex.route.key, rtt, inFlightAtStart, true);
        HttpMethod method = HttpMethod.fromString(ex.request.getMethod());
        boolean idempotent = method != null && method.isIdempotent();
        if (ex.tried.size() < config.maxTries() && (isConnectFailure(failure) || idempotent) && hasUntried(ex, now)) {
            retry.accept(ex); // another backend; this one is in ex.tried
            return;
        }
        boolean timedOut = failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
        ex.refuse(timedOut ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502,
                "backend " + b.endpoint.container() + " failed: " + failure.getClass().getSimpleName());
    }

    private boolean hasUntried(Exchange ex, long now) {
        for (BackendState b : table.current(ex.route).members) {
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
}
