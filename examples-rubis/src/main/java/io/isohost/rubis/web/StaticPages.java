package io.isohost.rubis.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RUBiS's five static pages (home, register, browse, sell, about-me login), read once from the
 * application's jar, and its three images ({@link Images}). They take no {@code rubis.tx}: in the
 * original a web server sent them.
 */
public class StaticPages extends HttpServlet {
    /** Where the static pages and images are served. */
    public static final String PATH = "/rubis/";
    private static final Set<String> PAGES = Set.of("index.html", "register.html", "browse.html", "sell.html", "about_me.html");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null || req.getPathInfo().equals("/") ? "index.html" : req.getPathInfo().substring(1);
        var image = Images.named(path);
        if (image.isPresent()) {
            resp.setContentType("image/png");
            resp.setHeader("Cache-Control", "max-age=86400");
            send(resp, image.get().png());
            return;
        }
        if (!PAGES.contains(path)) {
            resp.sendError(404, "no RUBiS page '" + path + "'");
            return;
        }
        resp.setContentType("text/html;charset=utf-8");
        send(resp, cache.computeIfAbsent(path, p -> {
            try (InputStream in = StaticPages.class.getResourceAsStream("/io/isohost/rubis/static/" + p)) {
                return in.readAllBytes();
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("RUBiS page " + p + " is missing from the application", e);
            }
        }));
    }

    private static void send(HttpServletResponse resp, byte[] body) throws IOException {
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
