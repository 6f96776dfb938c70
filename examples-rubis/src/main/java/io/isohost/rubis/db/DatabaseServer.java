package io.isohost.rubis.db;

import io.isohost.container.Component;
import io.isohost.container.ComponentContext;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * RUBiS's database as a stateful component: an H2 server in TCP mode, so that every
 * application-server replica in every container connects to the one database. Its files live in
 * the component's own directory, so they outlive restarts of the isolate; a start never drops or
 * re-creates what is there, it only creates the schema's missing tables.
 *
 * <p>Locked down: the server listens on one address (loopback by default) and opens only the
 * database this component created (H2's {@code -ifExists}: no database is created for a remote
 * client). Two users, with passwords generated on the first start and kept in
 * {@value DatabaseAccess#FILE} (mode 0600) in the component's directory: the application's user
 * {@code rubis}, which may read and write the tables and nothing else (not {@code CREATE ALIAS},
 * which runs Java in this JVM, nor any other DDL), and the administrator {@code sa}, for the
 * loader. A database made by an earlier version with {@code sa} and an empty password gets its
 * passwords on the first start of this one.
 *
 * <p>Arguments: {@code --port=N} (default 9092, 0 for any free port), {@code --bind=ADDRESS}
 * (default 127.0.0.1), {@code --data=DIR} (relative to the component's directory; default
 * {@code data}), {@code --database=NAME} (default {@code rubis}).
 */
public final class DatabaseServer implements Component {
    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);
    private static final String BIND_PROPERTY = "h2.bindAddress";

    private Server server;
    /** Held open while the server runs, so every client's session shares its settings (see {@link #prepare}). */
    private Connection held;

    @Override
    public void start(ComponentContext context) throws Exception {
        int port = Integer.parseInt(argument(context, "port", "9092"));
        String bind = argument(context, "bind", "127.0.0.1");
        Path data = context.directory().resolve(argument(context, "data", "data")).toAbsolutePath();
        String database = argument(context, "database", "rubis");
        if (!database.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("--database must be a plain name (letters, digits, _), got '" + database + "'");
        }
        bindH2To(bind); // before anything of H2 is used
        Path accessFile = context.directory().resolve(DatabaseAccess.FILE);
        Files.createDirectories(data);
        DatabaseAccess access = prepare(data, database, accessFile);
        String tcpPassword = access.adminPassword(); // shutting the server down over TCP needs it
        try {
            server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", data.toString(), "-ifExists",
                    "-tcpPassword", tcpPassword).start();
            access = access.withUrl("jdbc:h2:tcp://" + bind + ":" + server.getPort() + "/" + database);
            access.write(accessFile);
        } catch (IOException | SQLException | RuntimeException e) {
            stop(); // a failed start leaves no port taken and the database closed
            throw e;
        }
        log.info("RUBiS database '{}' serving on {}:{} from {}; access in {}", database, bind, server.getPort(), data, accessFile);
    }

    /**
     * Opens the database in this process (creating it the first time), sets its two users'
     * passwords and creates the schema's missing tables; returns how to reach it. The database
     * stays open (held) until {@link #stop()}: H2 applies its write delay to the open database only,
     * and a reopened one has the default again.
     */
    private DatabaseAccess prepare(Path data, String database, Path accessFile) throws IOException, SQLException {
        String local = "jdbc:h2:file:" + data.resolve(database);
        boolean exists = Files.exists(data.resolve(database + ".mv.db"));
        DatabaseAccess access;
        if (Files.exists(accessFile)) {
            access = DatabaseAccess.read(accessFile);
        } else {
            access = DatabaseAccess.generate(local);
            access.write(accessFile); // before the database knows the passwords, so they are never lost
        }
        Connection c = open(local, access, exists);
        try {
            String admin = name(access.adminUser());
            String user = name(access.user());
            try (Statement s = c.createStatement()) {
                s.execute("ALTER USER " + admin + " SET PASSWORD " + literal(access.adminPassword()));
                s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD " + literal(access.password()));
                s.execute("ALTER USER " + user + " SET PASSWORD " + literal(access.password()));
                s.execute("ALTER USER " + user + " ADMIN FALSE");
                // a commit reaches the file before it returns: with H2's default write delay (500 ms)
                // a kill -9 lost the last half second of acknowledged writes
                s.execute("SET WRITE_DELAY 0");
            }
            Schema.create(c);
            try (Statement s = c.createStatement()) {
                s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA PUBLIC TO " + user);
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        held = c;
        return access;
    }

    private static String name(String user) {
        if (!user.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("database user names are letters, digits and _, got '" + user + "'");
        }
        return user;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** As the administrator; a database of an earlier version still has {@code sa} with no password. */
    private static Connection open(String local, DatabaseAccess access, boolean exists) throws SQLException {
        try {
            return connect(local, access.adminUser(), access.adminPassword(), exists);
        } catch (SQLException e) {
            if (!exists) {
                throw e;
            }
            try {
                Connection legacy = connect(local, "sa", "", true);
                log.warn("RUBiS database {} had user sa with an empty password; it now has the passwords of {}", local,
                        DatabaseAccess.FILE);
                return legacy;
            } catch (SQLException ignored) {
                throw new SQLException("cannot open the RUBiS database " + local + " with the passwords in " + DatabaseAccess.FILE
                        + " (" + e.getMessage() + ")", e);
            }
        }
    }

    private static Connection connect(String local, String user, String password, boolean exists) throws SQLException {
        var props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return new org.h2.Driver().connect(local + (exists ? ";IFEXISTS=TRUE" : ""), props);
    }

    /**
     * H2 binds its server sockets to the address in the system property {@value #BIND_PROPERTY},
     * read once when H2's settings class is initialised (in an isolate, by this component's own
     * class loader): set it for that moment only, so no other code in the host sees it. H2 already
     * initialised without it (its classes shared with code that used them first) would listen on
     * every interface: then the database refuses to start.
     */
    static void bindH2To(String address) {
        Properties system = System.getProperties();
        synchronized (system) {
            String before = system.getProperty(BIND_PROPERTY);
            system.setProperty(BIND_PROPERTY, address);
            try {
                Class.forName("org.h2.engine.SysProperties", true, DatabaseServer.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("H2 is not on the database component's class path", e);
            } finally {
                if (before == null) {
                    system.remove(BIND_PROPERTY);
                } else {
                    system.setProperty(BIND_PROPERTY, before);
                }
            }
        }
        String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (!address.equals(bound)) {
            throw new IllegalStateException("H2 was set up before the RUBiS database could bind it to " + address
                    + " (it would listen on " + (bound == null ? "every interface" : bound) + "); run the database component in an "
                    + "isolate of its own, or start the JVM with -D" + BIND_PROPERTY + "=" + address);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (held != null) {
            try {
                held.close(); // the last session: the database closes
            } catch (SQLException e) {
                log.warn("closing the RUBiS database failed", e);
            }
            held = null;
        }
    }

    static String argument(ComponentContext context, String name, String fallback) {
        String prefix = "--" + name + "=";
        return context.arguments().stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .reduce((a, b) -> b).orElse(fallback);
    }
}
