package io.isohost.lb;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A container's HTTP endpoint, one of the backends of a route.
 *
 * @param uri       where it listens, for example {@code http://127.0.0.1:20001/}
 * @param container the container listening there (for a standalone balancer, the backend's id); it
 *                  names the endpoint in metrics and, as {@link #sessionSuffix()}, in sticky session ids
 * @param weight    its share of new work relative to others (Resin's {@code load-balance-weight},
 *                  default 100); 0 drains it: no new requests, sticky sessions move on
 */
public record Endpoint(URI uri, String container, int weight) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    public Endpoint {
        Objects.requireNonNull(uri, "uri");
        if (container == null || !NAME.matcher(container).matches()) {
            throw new IllegalArgumentException("endpoint " + uri + ": container name '" + container
                    + "' is not valid: 1-128 letters, digits, '_', '.' and '-'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("container '" + container + "': " + uri + " is not an http://host:port URL");
        }
        if (weight < 0 || weight > 10_000) {
            throw new IllegalArgumentException("container '" + container + "': weight must be between 0 and 10000: " + weight);
        }
    }

    public Endpoint(URI uri, String container) {
        this(uri, container, 100);
    }

    /**
     * What follows the last {@code .} of a session id ({@code abc123.shop-1}) that this endpoint
     * issued: its container's name with each {@code .} as {@code _}, since the suffix starts after the last dot.
     */
    public String sessionSuffix() {
        return container.replace('.', '_');
    }
}
