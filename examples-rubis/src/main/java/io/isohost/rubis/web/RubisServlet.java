package io.isohost.rubis.web;

import com.zaxxer.hikari.HikariDataSource;
import io.isohost.container.ComponentContext;
import io.isohost.rm.ResourceDeniedException;
import io.isohost.rm.Resources;
import io.isohost.rubis.db.DatabaseAccess;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * What every RUBiS servlet shares: GET and POST do the same; each interaction consumes one
 * {@code rubis.tx} (a container's rate policy paces or refuses it).
 *
 * <p>Errors are RUBiS's error page ("RUBiS ERROR: Servlet", {@link Html#error}), the page RUBiS
 * clients read. What the original answered with that page (a missing or malformed parameter, an
 * unknown item, a failed login) is answered with status 200, as the original did; an original
 * client cannot read the body of an error status. Two errors are the server's, not the request's,
 * and keep a status an operator sees: a database failure is 500 and a refusal by the container's
 * rate policy is 503 + {@code Retry-After: 1} (an original client retries a failed request after
 * one second). See docs/rubis.md.
 *
 * <p>The database comes from the application server's arguments: {@code --db-from=COMPONENT}
 * (the default, {@code rubis-db}) finds the access file that RUBiS's database component of that
 * name wrote in its directory on this host ({@link DatabaseAccess#find}), when the first request
 * needs it; {@code --db=JDBC-URL} with {@code --db-user} and {@code --db-password} names a
 * database set up by hand (PostgreSQL). {@code --db-pool}: connections per replica, default 32.
 */
public abstract class RubisServlet extends HttpServlet {
    public static final String TX_RESOURCE = "rubis.tx";
    private static final Logger log = LoggerFactory.getLogger(RubisServlet.class);

    private HikariDataSource db;
    private List<String> args = List.of();
    private Path directory;

    /** A request RUBiS answers with its error page: a missing or malformed parameter, an unknown item, a failed login. */
    public static final class RequestError extends RuntimeException {
        public RequestError(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    protected interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The page for this request. */
    protected abstract String page(HttpServletRequest request) throws SQLException;

    @Override
    public void init() {
        if (getServletContext().getAttribute(ComponentContext.class.getName()) instanceof ComponentContext ctx) {
            args = ctx.arguments();
            directory = ctx.directory();
        }
    }

    /** The pool, made on first use: the database component may start after this replica. */
    private synchronized HikariDataSource db() throws SQLException {
        if (db == null) {
            int size = Integer.parseInt(arg(args, "db-pool", "32"));
            String url = arg(args, "db", null);
            DatabaseAccess access;
            if (url != null) {
                access = DatabaseAccess.of(url, arg(args, "db-user", ""), arg(args, "db-password", ""));
            } else if (directory == null) {
                throw new SQLException("no --db given and no component directory to find the database from");
            } else {
                try {
                    // this replica's directory is DATA/services/SERVICE/replicas/CONTAINER/COMPONENT
                    Path service = directory.getParent().getParent().getParent();
                    access = DatabaseAccess.read(DatabaseAccess.find(service.getParent(), service.getFileName().toString(),
                            arg(args, "db-from", "rubis-db")));
                } catch (IOException e) {
                    throw new SQLException(e.getMessage(), e);
                }
            }
            db = Database.acquire(access, size);
        }
        return db;
    }

    @Override
    public synchronized void destroy() {
        if (db != null) {
            Database.release(db);
            db = null;
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        handle(req, resp);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        handle(req, resp);
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String servlet = getClass().getSimpleName();
        String body;
        int status = 200;
        try {
            Resources.consume(TX_RESOURCE, 1);
            body = page(req);
        } catch (ResourceDeniedException e) {
            resp.setHeader("Retry-After", "1");
            status = 503;
            body = Html.error(servlet, "this container's " + TX_RESOURCE + " rate is used up: " + e.getMessage());
        } catch (RequestError e) {
            body = Html.error(servlet, e.getMessage());
        } catch (SQLException e) {
            log.warn("{}: {}", servlet, e.toString());
            status = 500;
            body = Html.error(servlet, "the database failed: " + e.getMessage());
        }
        resp.setStatus(status);
        resp.setContentType("text/html;charset=utf-8");
        resp.getWriter().write(body);
    }

    // ---- helpers for the interactions ----

    protected <T> T read(Work<T> work) throws SQLException {
        try (Connection c = db().getConnection()) {
            return work.run(c);
        }
    }

    /** Runs {@code work} in one transaction: all of it is committed or none. */
    protected <T> T transaction(Work<T> work) throws SQLException {
        try (Connection c = db().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    protected static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        return Statements.prepare(c, sql, params);
    }

    /** The first column of the first row, or {@code null}. */
    protected static Object single(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet r = s.executeQuery()) {
            return r.next() ? r.getObject(1) : null;
        }
    }

    @FunctionalInterface
    protected interface UserWork {
        String run(Connection c, int userId) throws SQLException;
    }

    /**
     * Runs {@code work} for the user the {@code nickname} and {@code password} parameters name;
     * an unknown user or a wrong password is an error page, as in the original.
     */
    protected String asUser(HttpServletRequest req, UserWork work) throws SQLException {
        String nickname = param(req, "nickname");
        String password = param(req, "password");
        return read(c -> {
            int userId = authenticate(c, nickname, password);
            if (userId < 0) {
                throw new RequestError(NO_ACCOUNT);
            }
            return work.run(c, userId);
        });
    }

    protected static final String NO_ACCOUNT = "You don't have an account on RUBiS: you must register first.";

    /** Inserts one row and returns the id the database generated for it. */
    protected static int insert(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql, java.sql.Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getInt(1);
            }
        }
    }

    /** The user's id if nickname and password match, else -1. */
    protected static int authenticate(Connection c, String nickname, String password) throws SQLException {
        Object id = single(c, "SELECT id FROM users WHERE nickname=? AND password=?", nickname, password);
        return id == null ? -1 : ((Number) id).intValue();
    }

    protected static String nickname(Connection c, int userId) throws SQLException {
        Object n = single(c, "SELECT nickname FROM users WHERE id=?", userId);
        return n == null ? "(unknown user " + userId + ")" : n.toString();
    }

    protected static Timestamp now() {
        return new Timestamp(System.currentTimeMillis());
    }

    protected static String param(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        if (v == null || v.isBlank()) {
            throw new RequestError("you must provide the parameter '" + name + "'");
        }
        return v.trim();
    }

    protected static String param(HttpServletRequest req, String name, String fallback) {
        String v = req.getParameter(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    protected static int intParam(HttpServletRequest req, String name) {
        return number(req, name, Integer::parseInt, "a whole number");
    }

    protected static int intParam(HttpServletRequest req, String name, int fallback) {
        return param(req, name, null) == null ? fallback : intParam(req, name);
    }

    protected static double doubleParam(HttpServletRequest req, String name) {
        return number(req, name, Double::parseDouble, "a number");
    }

    protected static double doubleParam(HttpServletRequest req, String name, double fallback) {
        return param(req, name, null) == null ? fallback : doubleParam(req, name);
    }

    private static <T> T number(HttpServletRequest req, String name, java.util.function.Function<String, T> parse, String what) {
        String v = param(req, name);
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            throw new RequestError("parameter '" + name + "' must be " + what + ", got '" + v + "'");
        }
    }

    private static String arg(List<String> args, String name, String fallback) {
        String prefix = "--" + name + "=";
        return args.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).reduce((a, b) -> b).orElse(fallback);
    }
}
