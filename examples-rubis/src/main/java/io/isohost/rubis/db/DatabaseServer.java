package io.isohost.rubis.db;

import io.isohost.container.Component;
import io.isohost.container.ComponentContext;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * RUBiS's database as a stateful component: an H2 server in TCP mode, listening on loopback, so
 * that every application-server replica in every container connects to the one database. Its
 * files live in the component's own directory, so they outlive restarts of the isolate.
 *
 * <p>Arguments: {@code --port=N} (default 9092), {@code --data=DIR} (relative to the component's
 * directory; default {@code data}), {@code --database=NAME} (default {@code rubis}).
 */
public final class DatabaseServer implements Component {
    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private Server server;

    @Override
    public void start(ComponentContext context) throws Exception {
        int port = Integer.parseInt(argument(context, "port", "9092"));
        Path data = context.directory().resolve(argument(context, "data", "data")).toAbsolutePath();
        String database = argument(context, "database", "rubis");
        Files.createDirectories(data);
        server = start(port, data);
        // the driver is the isolate's own, where DriverManager (which looks in the host's loader) cannot see it
        var credentials = new java.util.Properties();
        credentials.setProperty("user", "sa");
        credentials.setProperty("password", "");
        try (Connection c = new org.h2.Driver().connect(url(port, database), credentials)) {
            Schema.create(c);
        } catch (java.sql.SQLException | RuntimeException e) {
            server.stop(); // a failed start leaves no port taken
            throw e;
        }
        log.info("RUBiS database '{}' serving on 127.0.0.1:{} from {}", database, port, data);
    }

    /** Starts an H2 TCP server that creates databases on first connection, local connections only. */
    public static Server start(int port, Path baseDir) throws java.sql.SQLException {
        return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", baseDir.toString(), "-ifNotExists").start();
    }

    /** The JDBC URL of database {@code name} on a local server at {@code port}. */
    public static String url(int port, String name) {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/" + name;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static String argument(ComponentContext context, String name, String fallback) {
        String prefix = "--" + name + "=";
        return context.arguments().stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .reduce((a, b) -> b).orElse(fallback);
    }
}
