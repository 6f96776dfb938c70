package io.isohost.lb.internal;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects a backend's response body into one array sized by its Content-Length (grown only for
 * chunked bodies), up to a maximum past which the exchange is aborted. Jetty's buffering listener
 * aggregates into buffers of several KiB per response, which made a small page cost the balancer
 * tens of KiB of garbage.
 */
abstract class CollectingListener implements Response.Listener {
    private static final byte[] EMPTY = new byte[0];
    private final int max;
    private byte[] body = EMPTY;
    private int size;

    CollectingListener(int max) {
        this.max = max;
    }

    @Override
    public void onHeaders(Response response) {
        long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (length > max) {
            response.abort(new IllegalStateException("response body over " + max + " bytes"));
        } else if (length > 0) {
            body = new byte[(int) length];
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        int n = content.remaining();
        if (size + n > max) {
            response.abort(new IllegalStateException("response body over " + max + " bytes"));
            return;
        }
        if (size + n > body.length) {
            body = Arrays.copyOf(body, Math.min(max, Math.max(size + n, Math.max(1024, body.length * 2))));
        }
        content.get(body, size, n);
        size += n;
    }

    /** The body received. */
    byte[] content() {
        return size == body.length ? body : Arrays.copyOf(body, size);
    }
}
