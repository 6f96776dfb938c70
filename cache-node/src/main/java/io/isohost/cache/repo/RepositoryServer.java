package io.isohost.cache.repo;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the deployment repository over Git's smart HTTP protocol at {@code http://host:port/git/apps.git}:
 * clone and fetch need nothing; push needs the token (HTTP Basic with the token as password, or a Bearer token)
 * and may only add versions ({@link DeploymentRepository#newReceivePack()}).
 */
public final class RepositoryServer implements AutoCloseable {
    public static final String PATH = "/git/apps.git";

    private final Server server;
    private final AtomicLong bytesServed = new AtomicLong();

    private RepositoryServer(Server server) {
        this.server = server;
    }

    public static RepositoryServer start(DeploymentRepository repository, String host, int port, String pushToken) throws Exception {
        if (pushToken == null || pushToken.isBlank()) {
            throw new IllegalArgumentException("the repository needs a push token");
        }
        Server server = new Server(new QueuedThreadPool(16, 2));
        ServerConnector c = new ServerConnector(server);
        c.setHost(host);
        c.setPort(port);
        server.addConnector(c);
        RepositoryServer rs = new RepositoryServer(server);
        GitServlet git = new GitServlet();
        Repository repo = repository.repository();
        git.setRepositoryResolver((req, name) -> {
            if (!name.equals("apps.git") && !name.equals("apps")) {
                throw new RepositoryNotFoundException(name);
            }
            repo.incrementOpen(); // the servlet closes it after each request
            return repo;
        });
        git.setUploadPackFactory((req, db) -> new UploadPack(db));
        // reached only through the token filter below; fast-forwards and new branches only
        git.setReceivePackFactory((req, db) -> repository.newReceivePack());
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.addServlet(new ServletHolder(git), "/git/*");
        ctx.addFilter(new FilterHolder(new TokenFilter(pushToken, rs.bytesServed)), "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(ctx);
        server.start();
        return rs;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Response bytes written so far (what fetches and clones cost). */
    public long bytesServed() {
        return bytesServed.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class TokenFilter implements Filter {
        private final byte[] token;
        private final AtomicLong counter;

        TokenFilter(String token, AtomicLong counter) {
            this.token = token.getBytes(StandardCharsets.UTF_8);
            this.counter = counter;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse rsp = (HttpServletResponse) response;
            boolean push = req.getRequestURI().endsWith("/git-receive-pack")
                    || "git-receive-pack".equals(req.getParameter("service"));
            if (push && !authorized(req.getHeader("Authorization"))) {
                rsp.setHeader("WWW-Authenticate", "Basic realm=\"isohost deployment repository\"");
                rsp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "pushing needs the deployment token");
                return;
            }
            chain.doFilter(req, new Counting(rsp, counter));
        }

        private boolean authorized(String header) {
            if (header == null) {
                return false;
            }
            String given;
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                given = header.substring(7).strip();
            } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                String pair;
                try {
                    pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                given = pair.substring(pair.indexOf(':') + 1);
            } else {
                return false;
            }
            return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Counting extends HttpServletResponseWrapper {
        private final AtomicLong counter;
        private ServletOutputStream out;

        Counting(HttpServletResponse r, AtomicLong counter) {
            super(r);
            this.counter = counter;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (out == null) {
                ServletOutputStream d = super.getOutputStream();
                out = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        d.write(b);
                        counter.incrementAndGet();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        d.write(b, off, len);
                        counter.addAndGet(len);
                    }

                    @Override
                    public void flush() throws IOException {
                        d.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        d.close();
                    }

                    @Override
                    public boolean isReady() {
                        return d.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener l) {
                        d.setWriteListener(l);
                    }
                };
            }
            return out;
        }
    }
}
