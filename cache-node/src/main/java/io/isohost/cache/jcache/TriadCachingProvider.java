package io.isohost.cache.jcache;

import io.isohost.cache.TriadClient;
import io.isohost.cache.internal.ConfigReader;

import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;

/**
 * The JSR-107 provider over a triad. Which triad: the properties given to {@link #getCacheManager(URI, ClassLoader, Properties)},
 * else the system properties of the same names (every {@code isohost.triad.*} one): {@value #MEMBERS} (host:port,host:port,host:port in the triad's
 * order), {@value #SECRET_FILE} (the cluster secret) and optionally {@value #TIMEOUT} (milliseconds one operation
 * may take through failover). An embedding program may also put a {@link InstantSource} object under {@value #CLOCK}
 * in the properties: the clock entries expire by (the servers' must agree; tests advance one instead of sleeping).
 */
public final class TriadCachingProvider implements CachingProvider {
    public static final String MEMBERS = "isohost.triad.members";
    public static final String SECRET_FILE = "isohost.triad.secret-file";
    public static final String TIMEOUT = "isohost.triad.timeout-ms";
    public static final String CLOCK = "isohost.triad.clock";
    /**
     * Classes every cache of a manager may deserialize beyond java.base's value types and its declared key and value
     * types, as {@link java.io.ObjectInputFilter.Config#createFilter} patterns ({@code com.example.model.*;com.example.Order});
     * with {@code .NAME} appended, for the cache NAME only. See {@link AllowList}.
     */
    public static final String SERIAL_FILTER = "isohost.triad.serial-filter";
    private static final URI DEFAULT_URI = URI.create("urn:isohost:triad");

    private final Map<ClassLoader, Map<URI, TriadCacheManager>> managers = new WeakHashMap<>();

    @Override
    public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, TriadCacheManager> byUri = managers.computeIfAbsent(cl, k -> new HashMap<>());
        TriadCacheManager m = byUri.get(u);
        if (m == null || m.isClosed()) {
            Properties p = new Properties();
            p.putAll(getDefaultProperties());
            if (properties != null) {
                p.putAll(properties);
            }
            m = new TriadCacheManager(this, u, cl, p, connect(p));
            byUri.put(u, m);
        }
        return m;
    }

    private static TriadClient connect(Properties p) {
        String members = p.getProperty(MEMBERS);
        String secret = p.getProperty(SECRET_FILE);
        if (members == null || secret == null) {
            throw new CacheException("the triad JCache provider needs " + MEMBERS + " and " + SECRET_FILE
                    + " (as properties or system properties)");
        }
        List<InetSocketAddress> list = new ArrayList<>();
        for (String m : members.split(",")) {
            String s = m.strip();
            int colon = s.lastIndexOf(':');
            if (colon < 1) {
                throw new CacheException("not host:port in " + MEMBERS + ": " + s);
            }
            list.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        Object given = p.getOrDefault(CLOCK, InstantSource.system());
        if (!(given instanceof InstantSource clock)) {
            throw new CacheException(CLOCK + " must be a java.time.InstantSource, not " + given.getClass().getName());
        }
        try {
            return TriadClient.connect(list, ConfigReader.readSecret(Path.of(secret)),
                    Duration.ofMillis(Long.parseLong(p.getProperty(TIMEOUT, "10000"))), clock);
        } catch (IllegalArgumentException e) {
            throw new CacheException(e.getMessage(), e);
        }
    }

    synchronized void forget(TriadCacheManager m) {
        Map<URI, TriadCacheManager> byUri = managers.get(m.getClassLoader());
        if (byUri != null) {
            byUri.remove(m.getURI(), m);
        }
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : TriadCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        Properties p = new Properties();
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("isohost.triad.")) {
                p.setProperty(k, System.getProperty(k));
            }
        }
        return p;
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, null);
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(null, null, null);
    }

    @Override
    public synchronized void close() {
        for (Map<URI, TriadCacheManager> byUri : new ArrayList<>(managers.values())) {
            new ArrayList<>(byUri.values()).forEach(TriadCacheManager::close);
        }
        managers.clear();
    }

    @Override
    public void close(ClassLoader classLoader) {
        Map<URI, TriadCacheManager> byUri;
        synchronized (this) {
            byUri = managers.remove(classLoader);
        }
        if (byUri != null) {
            new ArrayList<>(byUri.values()).forEach(TriadCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        TriadCacheManager m;
        synchronized (this) {
            Map<URI, TriadCacheManager> byUri = managers.get(classLoader);
            m = byUri == null ? null : byUri.get(uri);
        }
        if (m != null) {
            m.close();
        }
    }

    /** Store-by-reference is not offered: every value crosses the network as bytes. */
    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return false;
    }
}
