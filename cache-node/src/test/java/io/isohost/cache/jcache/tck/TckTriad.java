package io.isohost.cache.jcache.tck;

import io.isohost.cache.TriadConfig;
import io.isohost.cache.TriadServer;
import io.isohost.cache.TriadTesting;
import io.isohost.cache.jcache.TriadCachingProvider;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts a real triad on loopback for the JCache TCK run and points the provider's default properties at it
 * ({@value TriadCachingProvider#MEMBERS}, {@value TriadCachingProvider#SECRET_FILE} as system properties), so the
 * TCK's {@code Caching.getCachingProvider().getCacheManager()} reaches it. Active only in the surefire execution
 * that sets {@value #SWITCH} (the TCK's); other test runs are left alone.
 */
public final class TckTriad implements LauncherSessionListener {
    static final String SWITCH = "isohost.jcache.tck.members";

    private Path dir;
    private List<TriadServer> servers = List.of();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String n = System.getProperty(SWITCH);
        if (n == null || !servers.isEmpty()) {
            return;
        }
        try {
            dir = Files.createTempDirectory("jcache-tck-triad");
            TriadConfig cfg = TriadTesting.config(Integer.parseInt(n), dir, Map.of(), true);
            servers = TriadTesting.startAll(cfg);
            Path secret = dir.resolve("secret");
            Files.write(secret, cfg.secret());
            System.setProperty(TriadCachingProvider.MEMBERS,
                    cfg.members().stream().map(m -> m.host() + ":" + m.port()).collect(Collectors.joining(",")));
            System.setProperty(TriadCachingProvider.SECRET_FILE, secret.toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the triad for the JCache TCK", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TriadTesting.closeAll(servers);
        servers = List.of();
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
