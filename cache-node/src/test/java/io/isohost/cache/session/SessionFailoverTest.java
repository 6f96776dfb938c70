package io.isohost.cache.session;

import io.isohost.cache.CacheConfig;
import io.isohost.cache.TriadClient;
import io.isohost.cache.TriadConfig;
import io.isohost.cache.TriadServer;
import io.isohost.cache.TriadTesting;
import io.isohost.cache.internal.Hash;
import io.isohost.cache.internal.Ordering;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.SessionCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Two Jetty servers share sessions through a three-server triad; the triad server that owns the session is
 * stopped, then the other web server (and later a fresh one) takes the session over from the surviving copies.
 */
class SessionFailoverTest {
    @TempDir
    Path dir;

    public static final class Counter extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("n");
            n = n == null ? 1 : n + 1;
            s.setAttribute("n", n);
            resp.setContentType("text/plain");
            resp.getWriter().print(n);
        }
    }

    record Web(Server server, SessionHandler sessions, TriadClient client) {
        int port() {
            return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }
    }

    static Web web(String worker, TriadConfig cfg) throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        server.addConnector(c);
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(worker);
        server.addBean(ids);
        ServletContextHandler ctx = new ServletContextHandler("/app", ServletContextHandler.SESSIONS);
        ctx.addServlet(Counter.class, "/count");
        SessionHandler sh = ctx.getSessionHandler();
        TriadClient client = TriadClient.connect(cfg);
        SessionCache cache = new DefaultSessionCache(sh);
        cache.setFlushOnResponseCommit(true);
        cache.setSessionDataStore(new TriadSessionDataStore(client.cache("sessions")));
        sh.setSessionCache(cache);
        server.setHandler(ctx);
        server.start();
        return new Web(server, sh, client);
    }

    @Test
    void aSessionSurvivesTheLossOfTheTriadServerThatHeldIt() throws Exception {
        TriadConfig cfg = TriadTesting.config(3, dir, Map.of("sessions", CacheConfig.sessions("sessions")), false);
        List<TriadServer> triad = new ArrayList<>(TriadTesting.startAll(cfg));
        Web a = web("a", cfg);
        Web b = web("b", cfg);
        Web firstB = b;
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/app/count")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("1", r.body());
            String cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            assertEquals("2", get(http, a.port(), cookie));
            assertEquals("3", get(http, a.port(), cookie));

            String id = cookie.substring(cookie.indexOf('=') + 1);
            String plainId = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
            TriadSessionDataStore store = (TriadSessionDataStore) a.sessions().getSessionCache().getSessionDataStore();
            String key = store.key(plainId);
            int owner = Ordering.order(Ordering.slot(Hash.ofKey("sessions", key.getBytes(StandardCharsets.UTF_8)), 3), 3)[0];
            assertNotNull(a.client().cache("sessions").get(key.getBytes(StandardCharsets.UTF_8)), "the session is in the triad");
            triad.get(owner).close();
            triad.set(owner, null);

            assertEquals("4", get(http, b.port(), cookie), "another web server loads the session from the surviving triad servers");
            assertEquals("5", get(http, b.port(), cookie));
            b.server().stop();
            b = web("b2", cfg);
            assertEquals("6", get(http, b.port(), cookie), "a fresh web server reads what was written after the failover");
        } finally {
            a.server().stop();
            b.server().stop();
            a.client().close();
            b.client().close();
            firstB.client().close();
            TriadTesting.closeAll(triad);
        }
    }

    private static String get(HttpClient http, int port, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/count")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
