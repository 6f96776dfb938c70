package io.isohost.daemon.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running host answers, kept in its data directory ({@value #FILE}, owner-only) from the
 * moment its admin API is up until it stops cleanly, so the command line finds a host started on
 * other ports than the defaults with no more than {@code --data}.
 *
 * @param admin      the admin API's base URL
 * @param jmxPort    the remote JMX port
 * @param routerPort the load balancer's port, 0 for none
 */
public record HostRecord(URI admin, int jmxPort, int routerPort) {
    public static final String FILE = "host.properties";

    public int adminPort() {
        return admin.getPort();
    }

    public void write(Path dataDirectory) throws IOException {
        Properties p = new Properties();
        p.setProperty("admin.url", admin.toString());
        p.setProperty("jmx.port", Integer.toString(jmxPort));
        p.setProperty("router.port", Integer.toString(routerPort));
        var text = new StringWriter();
        p.store(text, "where this running isohost host answers; removed when it stops");
        OwnerOnlyFile.write(dataDirectory.resolve(FILE), text.toString());
    }

    public static void remove(Path dataDirectory) throws IOException {
        Files.deleteIfExists(dataDirectory.resolve(FILE));
    }

    /** The record of the host running on {@code dataDirectory}; empty when none is kept there (or it cannot be read). */
    public static Optional<HostRecord> read(Path dataDirectory) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dataDirectory.resolve(FILE))) {
            p.load(in);
            return Optional.of(new HostRecord(URI.create(p.getProperty("admin.url")),
                    Integer.parseInt(p.getProperty("jmx.port")), Integer.parseInt(p.getProperty("router.port"))));
        } catch (IOException | RuntimeException noneOrUnreadable) {
            return Optional.empty();
        }
    }
}
