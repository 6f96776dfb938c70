package io.isohost.rubis.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * How to reach a running RUBiS database: its JDBC URL, the application's user (reads and writes
 * rows, nothing else) and the administrator (owns the schema; the loader drops and re-creates it).
 * The database component generates both passwords on its first start and keeps them, with the URL,
 * in {@value #FILE} in its own directory, readable by the host's user only (0600). The application
 * servers and {@code isohost rubis load} find that file through the host's data directory
 * ({@link #find}); for a database set up by hand (PostgreSQL) they are given its URL and user.
 */
public record DatabaseAccess(String url, String user, String password, String adminUser, String adminPassword) {

    /** The file the database component writes into its directory. */
    public static final String FILE = "rubis-database.properties";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The same user for both roles, as for a database the operator set up (PostgreSQL). */
    public static DatabaseAccess of(String url, String user, String password) {
        return new DatabaseAccess(url, user, password, user, password);
    }

    /** New random passwords for the application's user {@code rubis} and the administrator {@code sa}. */
    static DatabaseAccess generate(String url) {
        return new DatabaseAccess(url, "rubis", newPassword(), "sa", newPassword());
    }

    DatabaseAccess withUrl(String newUrl) {
        return new DatabaseAccess(newUrl, user, password, adminUser, adminPassword);
    }

    /** A connection as the application's user, through the database's own driver (not DriverManager's loader). */
    public Connection connect() throws SQLException {
        return connect(user, password);
    }

    /** A connection as the administrator. */
    public Connection connectAsAdmin() throws SQLException {
        return connect(adminUser, adminPassword);
    }

    private Connection connect(String u, String p) throws SQLException {
        var props = new Properties();
        props.setProperty("user", u);
        props.setProperty("password", p);
        Connection c = driver().connect(url, props);
        if (c == null) {
            throw new SQLException("no JDBC driver here for " + url);
        }
        return c;
    }

    /** The driver for the URL, from this code's own jars: in an isolate DriverManager looks in the host's. */
    private java.sql.Driver driver() throws SQLException {
        String name = url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver";
        try {
            return (java.sql.Driver) Class.forName(name, true, DatabaseAccess.class.getClassLoader()).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new SQLException("no JDBC driver " + name + " for " + url + ": " + e, e);
        }
    }

    /** Reads the file a database component wrote. */
    public static DatabaseAccess read(Path file) throws IOException {
        var p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of("url", "user", "password", "admin.user", "admin.password")) {
            if (p.getProperty(key) == null) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(file + " lacks " + String.join(", ", missing));
        }
        return new DatabaseAccess(p.getProperty("url"), p.getProperty("user"), p.getProperty("password"),
                p.getProperty("admin.user"), p.getProperty("admin.password"));
    }

    /** Writes the file atomically, readable and writable by its owner only. */
    void write(Path file) throws IOException {
        var p = new Properties();
        p.setProperty("url", url);
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("admin.user", adminUser);
        p.setProperty("admin.password", adminPassword);
        var text = new StringWriter();
        p.store(text, "RUBiS database: written by its database component at each start; keep it private");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: the directory's protection is all there is
        }
        Files.writeString(tmp, text.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The access file of database component {@code component} of the services matching
     * {@code service} (a name, or a glob such as {@code *}) in a host's {@code DATA/services}.
     * Where several services hold one, the one written last, by the running component, wins.
     *
     * @throws IOException naming where it looked, if there is none
     */
    public static Path find(Path services, String service, String component) throws IOException {
        // a host keeps a service's stateful component in DATA/services/SERVICE/components/COMPONENT
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(services)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(services, service)) {
                for (Path dir : dirs) {
                    Path file = dir.resolve("components").resolve(component).resolve(FILE);
                    if (Files.isRegularFile(file)) {
                        found.add(file);
                    }
                }
            }
        }
        Path where = services.toAbsolutePath().normalize();
        return found.stream().max(Comparator.comparing(DatabaseAccess::modified)).orElseThrow(() -> new IOException(
                "no RUBiS database found: looked for " + where + "/" + service + "/components/" + component + "/" + FILE
                        + (Files.isDirectory(where) ? "" : " (" + where + " does not exist)")));
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "DatabaseAccess[" + url + ", user " + user + ", admin " + adminUser + "]"; // never the passwords
    }
}
