package io.isohost.daemon.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's side of the admin API. */
public final class AdminClient {
    /** The host did not answer: not running, or another address or port. */
    public static final class Unreachable extends IOException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** The host answered with an error. */
    public static final class Refused extends IOException {
        public final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
        String json = body == null ? "" : AdminApi.JSON.writeValueAsString(body);
        return send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("no isohost host answers at " + base + " (is it started? see 'isohost start')");
        }
        JsonNode body;
        try {
            body = AdminApi.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Refused(r.statusCode(), "unexpected answer from " + base + ": HTTP " + r.statusCode());
        }
        if (r.statusCode() != 200) {
            throw new Refused(r.statusCode(), body.path("error").asText("HTTP " + r.statusCode()));
        }
        return body;
    }
}
