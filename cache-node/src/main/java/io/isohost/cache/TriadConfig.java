package io.isohost.cache;

import io.isohost.cache.internal.ConfigReader;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of one triad server: which member it is, the 1 or 3 members in their fixed order,
 * where it keeps its data, the cluster secret, limits, timing and the named caches.
 * {@link #load(Path)} reads the XML form (namespace {@code urn:isohost:triad:1}, schema docs/schema/triad-1.xsd).
 *
 * @param fsync        fsync the write-ahead log before acknowledging (survives a machine crash, costs ~0.1 ms a write)
 * @param allowUndeclaredCaches accept caches not named in {@code caches}, with default settings (JCache's createCache)
 * @param repository   the Git deployment repository's settings, or null for none
 * @param authTimeout  how long a connection may stay open before its first authenticated frame
 * @param maxUnauthenticated how many connections may wait for their first authenticated frame at once;
 *                     past it, new connections are closed at once
 */
public record TriadConfig(String serverId, List<Member> members, Path dataDir, byte[] secret, int maxKeyBytes,
                          int maxValueBytes, Duration heartbeat, Duration failureTimeout, boolean fsync,
                          Map<String, CacheConfig> caches, boolean allowUndeclaredCaches, Repository repository,
                          Duration authTimeout, int maxUnauthenticated) {

    /** One member; {@code repositoryPort} is its deployment repository's HTTP port, 0 if it serves none. */
    public record Member(String id, String host, int port, int repositoryPort) {
        public Member(String id, String host, int port) {
            this(id, host, port, 0);
        }

        public InetSocketAddress address() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return id + "@" + host + ":" + port;
        }
    }

    /** The Git deployment repository, served on each member's repository port; pushes need {@code pushToken}. */
    public record Repository(String pushToken) {
    }

    public static final int DEFAULT_MAX_KEY_BYTES = 4096;
    public static final int DEFAULT_MAX_VALUE_BYTES = 4 * 1024 * 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(100);
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(2);
    /** Every legitimate peer sends its first frame right after the server's hello: well under a second. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 64;

    public TriadConfig {
        Objects.requireNonNull(serverId, "serverId");
        members = List.copyOf(members);
        caches = Map.copyOf(caches);
        if (members.size() != 1 && members.size() != 3) {
            throw new IllegalArgumentException("a triad has 1 or 3 members, not " + members.size());
        }
        if (members.stream().noneMatch(m -> m.id().equals(serverId))) {
            throw new IllegalArgumentException("server '" + serverId + "' is not one of the members " + members);
        }
        if (members.stream().map(Member::id).distinct().count() != members.size()) {
            throw new IllegalArgumentException("member ids must be distinct: " + members);
        }
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 bytes");
        }
        if (maxKeyBytes < 1 || maxValueBytes < 1) {
            throw new IllegalArgumentException("key and value limits must be positive");
        }
        if (authTimeout == null || authTimeout.isNegative() || authTimeout.isZero() || authTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the authentication timeout must be positive, not " + authTimeout);
        }
        if (maxUnauthenticated < 1) {
            throw new IllegalArgumentException("the bound on unauthenticated connections must be positive");
        }
    }

    /**
     * The embedded default for one machine: a one-member triad with a "sessions" cache on the session
     * defaults, accepting other cache names with the defaults.
     */
    public static TriadConfig single(String host, int port, Path dataDir, byte[] secret) {
        return new TriadConfig("local", List.of(new Member("local", host, port)), dataDir, secret, DEFAULT_MAX_KEY_BYTES,
                DEFAULT_MAX_VALUE_BYTES, DEFAULT_HEARTBEAT, DEFAULT_FAILURE_TIMEOUT, false,
                Map.of("sessions", CacheConfig.sessions("sessions")), true, null, DEFAULT_AUTH_TIMEOUT,
                DEFAULT_MAX_UNAUTHENTICATED);
    }

    public static TriadConfig load(Path file) {
        return ConfigReader.read(file);
    }

    /** This server's position in the member order. */
    public int index() {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).id().equals(serverId)) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    public Member self() {
        return members.get(index());
    }

    public TriadConfig withServer(String id, Path dir) {
        return new TriadConfig(id, members, dir, secret, maxKeyBytes, maxValueBytes, heartbeat, failureTimeout, fsync,
                caches, allowUndeclaredCaches, repository, authTimeout, maxUnauthenticated);
    }

    /** The settings of a cache, or null if it is not declared and undeclared caches are refused. */
    public CacheConfig cache(String name) {
        CacheConfig c = caches.get(name);
        if (c == null && allowUndeclaredCaches) {
            return CacheConfig.of(name);
        }
        return c;
    }
}
