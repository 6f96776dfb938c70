package io.isohost.rubis.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RUBiS's five static pages (home, register, browse, sell, about-me login), read once from the
 * application's jar. They take no {@code rubis.tx}: in the original a web server sent them.
 */
public class StaticPages extends HttpServlet {
    private static final java.util.Set<String> PAGES = java.util.Set.of("index.html", "register.html", "browse.html", "sell.html", "about_me.html");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null || req.getPathInfo().equals("/") ? "index.html" : req.getPathInfo().substring(1);
        if (!PAGES.contains(path)) {
            resp.sendError(404, "no RUBiS page '" + path + "'");
            return;
        }
        byte[] body = cache.computeIfAbsent(path, p -> {
            try (InputStream in = StaticPages.class.getResourceAsStream("/io/isohost/rubis/static/" + p)) {
                return in.readAllBytes();
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("RUBiS page " + p + " is missing from the application", e);
            }
        });
        resp.setContentType("text/html;charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
