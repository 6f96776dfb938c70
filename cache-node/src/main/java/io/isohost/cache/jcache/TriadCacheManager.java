package io.isohost.cache.jcache;

import io.isohost.cache.CacheClient;
import io.isohost.cache.TriadClient;
import io.isohost.cache.TriadException;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/** The caches of one triad for one class loader. Cache names are triad cache names. */
public final class TriadCacheManager implements CacheManager {
    private final TriadCachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final TriadClient client;
    private final Map<String, TriadCache<?, ?>> caches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    TriadCacheManager(TriadCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties, TriadClient client) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        this.client = client;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    /**
     * The deserialization patterns for one cache: {@value TriadCachingProvider#SERIAL_FILTER} for every cache and
     * {@value TriadCachingProvider#SERIAL_FILTER}{@code .NAME} for this one, joined; null if neither is set.
     */
    String serialFilter(String cache) {
        String key = TriadCachingProvider.SERIAL_FILTER;
        String all = properties.getProperty(key);
        String one = properties.getProperty(key + "." + cache);
        return all == null ? one : one == null ? all : all + ";" + one;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        open();
        if (cacheName == null || configuration == null) {
            throw new NullPointerException("cache name and configuration are required");
        }
        MutableConfiguration<K, V> cfg = configuration instanceof CompleteConfiguration<K, V> cc
                ? new MutableConfiguration<>(cc)
                : new MutableConfiguration<K, V>().setTypes(configuration.getKeyType(), configuration.getValueType())
                .setStoreByValue(configuration.isStoreByValue());
        if (!cfg.isStoreByValue()) {
            // JSR-107: store-by-reference is an optional feature (isSupported says no), and createCache
            // must refuse a configuration that asks for an unsupported feature this way
            throw new UnsupportedOperationException("the triad stores by value only");
        }
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("cache '" + cacheName + "' already exists");
            }
            TriadCache<K, V> cache = new TriadCache<>(this, cacheName, cfg, clientCache(cacheName));
            caches.put(cacheName, cache);
            return cache;
        }
    }

    private CacheClient clientCache(String name) {
        try {
            return client.cache(name);
        } catch (TriadException e) {
            throw new CacheException("triad cache '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        open();
        if (keyType == null || valueType == null) {
            throw new NullPointerException("key and value types are required");
        }
        TriadCache<?, ?> c = lookup(cacheName);
        if (c == null) {
            return null;
        }
        Configuration<?, ?> cfg = c.getConfiguration(CompleteConfiguration.class);
        if (cfg.getKeyType() != keyType || cfg.getValueType() != valueType) {
            throw new ClassCastException("cache '" + cacheName + "' holds " + cfg.getKeyType().getName() + " -> "
                    + cfg.getValueType().getName());
        }
        return (Cache<K, V>) c;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        open();
        return (Cache<K, V>) lookup(cacheName);
    }

    /** A cache created here, or one the triad's configuration declares (opened with the JCache defaults). */
    private TriadCache<?, ?> lookup(String name) {
        if (name == null) {
            throw new NullPointerException("cache name");
        }
        TriadCache<?, ?> c = caches.get(name);
        if (c != null) {
            return c;
        }
        boolean declared;
        try {
            declared = client.isDeclared(name);
        } catch (TriadException e) {
            return null;
        }
        if (!declared) {
            return null;
        }
        synchronized (caches) {
            return caches.computeIfAbsent(name, n -> new TriadCache<>(this, n, new MutableConfiguration<>(), clientCache(n)));
        }
    }

    @Override
    public Iterable<String> getCacheNames() {
        open();
        return List.copyOf(caches.keySet());
    }

    @Override
    public void destroyCache(String cacheName) {
        open();
        if (cacheName == null) {
            throw new NullPointerException("cache name");
        }
        TriadCache<?, ?> c = caches.remove(cacheName);
        if (c != null) {
            c.clear();
            c.close();
        }
    }

    void closed(TriadCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        open();
        TriadCache<?, ?> c = caches.get(cacheName);
        if (c != null) {
            c.management(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        open();
        TriadCache<?, ?> c = caches.get(cacheName);
        if (c != null) {
            c.statistics(enabled);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        new ArrayList<>(caches.values()).forEach(TriadCache::close);
        caches.clear();
        client.close();
        provider.forget(this);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, this, client);
    }
}
