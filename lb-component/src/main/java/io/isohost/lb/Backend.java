package io.isohost.lb;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A container endpoint that serves components.
 *
 * @param id     short and unique; it is the suffix of sticky session ids ({@code abc123.b2})
 * @param uri    where it listens, for example {@code http://127.0.0.1:20001/}
 * @param weight its share of new work relative to others (Resin's {@code load-balance-weight},
 *               default 100); 0 drains it: no new requests, sticky sessions move on
 */
public record Backend(String id, URI uri, int weight) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Backend {
        Objects.requireNonNull(uri, "uri");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("backend id '" + id + "' is not valid: letters, digits, '_' and '-'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("backend '" + id + "': " + uri + " is not an http://host:port URL");
        }
        if (weight < 0 || weight > 10_000) {
            throw new IllegalArgumentException("backend '" + id + "': weight must be between 0 and 10000: " + weight);
        }
    }

    public static Backend of(String id, URI uri) {
        return new Backend(id, uri, 100);
    }
}
