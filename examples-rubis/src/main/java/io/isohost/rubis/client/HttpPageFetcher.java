package io.isohost.rubis.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches pages with one shared {@link HttpClient} (HTTP/1.1, persistent connections). An HTTP error
 * status (≥ 400) is returned as a page that starts with {@code ERROR}, so it is counted as an error.
 */
public final class HttpPageFetcher implements PageFetcher, AutoCloseable {

    private final String base;
    private final HttpClient client;
    private final Duration timeout;

    public HttpPageFetcher(URI baseUrl, Duration requestTimeout) {
        String b = baseUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.timeout = requestTimeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(requestTimeout.compareTo(Duration.ofSeconds(10)) < 0 ? requestTimeout : Duration.ofSeconds(10))
                .build();
    }

    @Override
    public String fetch(String pathAndQuery) throws IOException {
        HttpResponse<String> r = send(pathAndQuery, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            return "ERROR: HTTP status " + r.statusCode() + "\n" + r.body();
        }
        return r.body();
    }

    @Override
    public void fetchResource(String pathAndQuery) throws IOException {
        send(pathAndQuery, HttpResponse.BodyHandlers.discarding());
    }

    private <T> HttpResponse<T> send(String pathAndQuery, HttpResponse.BodyHandler<T> handler) throws IOException {
        URI uri = URI.create(pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")
                ? pathAndQuery : base + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + uri);
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
