package io.isohost.rubis.db;

import io.isohost.rubis.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** RUBiS's database component, locked down, with real JDBC clients over real sockets. */
class DatabaseServerTest {
    @TempDir
    Path dir;
    final List<DatabaseServer> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(DatabaseServer::stop);
    }

    Path component() {
        return dir.resolve("rubis-db");
    }

    DatabaseAccess start() throws Exception {
        var server = new DatabaseServer();
        server.start(new TestContext(component(), List.of("--port=0")));
        started.add(server);
        return DatabaseAccess.read(component().resolve(DatabaseAccess.FILE));
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    static String portOf(DatabaseAccess a) {
        return a.url().replaceAll(".*:(\\d+)/.*", "$1");
    }

    @Test
    void passwordsAreGeneratedAndKeptWhereOnlyTheOwnerReadsThem() throws Exception {
        DatabaseAccess a = start();
        Path file = component().resolve(DatabaseAccess.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(a.url().startsWith("jdbc:h2:tcp://127.0.0.1:"), a.url());
        assertTrue(a.password().length() >= 24 && a.adminPassword().length() >= 24);
        assertNotEquals(a.password(), a.adminPassword());
        try (Connection c = a.connect(); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM users")) {
            assertTrue(r.next(), "the application's user reads the tables");
        }
    }

    @Test
    void aWrongOrEmptyPasswordIsRefused() throws Exception {
        DatabaseAccess a = start();
        assertThrows(SQLException.class, () -> connect(a.url(), "sa", "").close(), "sa with an empty password");
        assertThrows(SQLException.class, () -> connect(a.url(), a.adminUser(), "wrong").close());
        assertThrows(SQLException.class, () -> connect(a.url(), a.user(), "").close());
        assertThrows(SQLException.class, () -> connect(a.url(), a.user(), a.adminPassword()).close());
    }

    @Test
    void noDatabaseIsCreatedForARemoteClient() throws Exception {
        DatabaseAccess a = start();
        String server = "jdbc:h2:tcp://127.0.0.1:" + portOf(a) + "/";
        for (String name : List.of("other", "mem:scratch", "rubis2")) {
            assertThrows(SQLException.class, () -> connect(server + name, a.adminUser(), a.adminPassword()).close(), name);
        }
        try (var files = Files.list(component().resolve("data"))) {
            assertEquals(List.of("rubis.mv.db"), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".db")).toList());
        }
    }

    @Test
    void theApplicationsUserCannotRunJavaOrChangeTheSchema() throws Exception {
        DatabaseAccess a = start();
        try (Connection c = a.connect(); Statement s = c.createStatement()) {
            var alias = assertThrows(SQLException.class,
                    () -> s.execute("CREATE ALIAS RUN_IT FOR \"java.lang.System.getProperty\""));
            assertTrue(alias.getMessage().toLowerCase().contains("admin") || alias.getMessage().toLowerCase().contains("right"),
                    alias.getMessage());
            assertThrows(SQLException.class, () -> s.execute("CREATE TABLE stolen (x INT)"));
            assertThrows(SQLException.class, () -> s.execute("DROP TABLE users"));
            assertThrows(SQLException.class, () -> s.execute("CREATE USER intruder PASSWORD 'x' ADMIN"));
            s.executeUpdate("INSERT INTO regions (name) VALUES ('ZZ--Test')");
            s.executeUpdate("UPDATE regions SET name='ZZ--Test2' WHERE name='ZZ--Test'");
            s.executeUpdate("DELETE FROM regions WHERE name='ZZ--Test2'");
        }
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        DatabaseAccess a = start();
        int port = Integer.parseInt(portOf(a));
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        assertThrows(ConnectException.class, () -> {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress(other.get(), port), 2000);
            }
        }, "nothing listens on " + other.get() + ":" + port);
    }

    @Test
    void aRestartKeepsTheDataAndThePasswords() throws Exception {
        DatabaseAccess first = start();
        try (Connection c = first.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (nickname, password, email, region) VALUES ('kept', 'pw', 'k@x', 1)");
        }
        started.removeFirst().stop();
        DatabaseAccess second = start();
        assertEquals(first.password(), second.password());
        assertEquals(first.adminPassword(), second.adminPassword());
        try (Connection c = second.connect(); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM users WHERE nickname='kept'")) {
            r.next();
            assertEquals(1, r.getInt(1), "the row survives the restart");
        }
    }

    /**
     * What a kill -9 of the host leaves is what the file holds when the commit returns: a copy of
     * the file taken right then, opened as a database, has the committed row.
     */
    @Test
    void aCommittedRowIsInTheFileWhenTheCommitReturns() throws Exception {
        DatabaseAccess a = start();
        Path copy = dir.resolve("after-kill");
        Files.createDirectories(copy);
        try (Connection c = a.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (nickname, password, email, region) VALUES ('acknowledged', 'pw', 'a@x', 1)");
            Files.copy(component().resolve("data").resolve("rubis.mv.db"), copy.resolve("rubis.mv.db"));
        }
        try (Connection c = connect("jdbc:h2:file:" + copy.resolve("rubis") + ";IFEXISTS=TRUE", a.adminUser(), a.adminPassword());
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM users WHERE nickname='acknowledged'")) {
            r.next();
            assertEquals(1, r.getInt(1), "the committed row is in the file");
        }
    }

    @Test
    void aDatabaseOfAnEarlierVersionGetsPasswords() throws Exception {
        Path data = component().resolve("data");
        Files.createDirectories(data);
        try (Connection c = connect("jdbc:h2:file:" + data.resolve("rubis"), "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE regions (id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name VARCHAR(25))");
            s.execute("INSERT INTO regions (name) VALUES ('AZ--Phoenix')");
        }
        DatabaseAccess a = start();
        assertThrows(SQLException.class, () -> connect(a.url(), "sa", "").close());
        try (Connection c = a.connect(); ResultSet r = c.createStatement().executeQuery("SELECT name FROM regions")) {
            assertTrue(r.next());
            assertEquals("AZ--Phoenix", r.getString(1), "its data is kept");
        }
    }

    /**
     * The component as a host runs it: its classes and H2 in a class loader of their own, where
     * nothing set H2 up before the component starts, and no bind address in the JVM's properties.
     */
    @Test
    void inAnIsolatesOwnClassLoaderItBindsLoopbackAndLeavesTheSystemPropertiesAlone() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        String before = System.getProperty("h2.bindAddress");
        List<URL> urls = new ArrayList<>();
        for (Class<?> c : List.of(DatabaseServer.class, org.h2.Driver.class, io.isohost.container.Component.class, org.slf4j.Logger.class)) {
            urls.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        System.clearProperty("h2.bindAddress");
        try (var loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> contextType = loader.loadClass(io.isohost.container.ComponentContext.class.getName());
            var context = new TestContext(component(), List.of("--port=0"));
            Object isolated = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {contextType},
                    (proxy, method, args) -> TestContext.class.getMethod(method.getName(), method.getParameterTypes()).invoke(context, args));
            Object server = loader.loadClass(DatabaseServer.class.getName()).getConstructor().newInstance();
            server.getClass().getMethod("start", contextType).invoke(server, isolated);
            try {
                assertEquals("127.0.0.1", loader.loadClass("org.h2.engine.SysProperties").getField("BIND_ADDRESS").get(null));
                assertNull(System.getProperty("h2.bindAddress"), "no trace of it in the host's system properties");
                int port = Integer.parseInt(portOf(DatabaseAccess.read(component().resolve(DatabaseAccess.FILE))));
                if (other.isPresent()) {
                    assertThrows(ConnectException.class, () -> {
                        try (var s = new Socket()) {
                            s.connect(new InetSocketAddress(other.get(), port), 2000);
                        }
                    });
                }
            } finally {
                server.getClass().getMethod("stop").invoke(server);
            }
        } finally {
            if (before != null) {
                System.setProperty("h2.bindAddress", before);
            }
        }
    }

    static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : n.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
