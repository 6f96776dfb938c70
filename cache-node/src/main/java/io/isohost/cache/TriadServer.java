package io.isohost.cache;

import io.isohost.cache.internal.Node;
import io.isohost.cache.repo.DeploymentRepository;
import io.isohost.cache.repo.RepositoryServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;

/**
 * One triad server, embedded (the host daemon) or standalone ({@link TriadMain}). It serves on the member
 * address its configuration names, persists every entry under the data directory, and joins the other members.
 */
public final class TriadServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TriadServer.class);

    private static final long FETCH_INTERVAL_NANOS = 2_000_000_000L;

    private final TriadConfig config;
    private final Node node;
    private final DeploymentRepository repository;
    private final RepositoryServer repositoryServer;
    private volatile boolean open = true;

    private TriadServer(TriadConfig config, Node node, DeploymentRepository repository, RepositoryServer repositoryServer) {
        this.config = config;
        this.node = node;
        this.repository = repository;
        this.repositoryServer = repositoryServer;
        if (repositoryServer != null) {
            Thread.ofPlatform().daemon().name("triad-repo-fetch").start(this::follow);
        }
    }

    /**
     * Opens the store, binds the port and starts joining; the server serves once {@link #isReady()}. With a
     * repository configured and a repository port for this member, it also serves the deployment repository.
     */
    public static TriadServer start(TriadConfig config) throws IOException {
        return start(config, InstantSource.system());
    }

    /** As {@link #start(TriadConfig)}, with the clock entries expire and leases end by (tests advance one). */
    public static TriadServer start(TriadConfig config, InstantSource clock) throws IOException {
        Node node = new Node(config, clock);
        DeploymentRepository repo = null;
        RepositoryServer http = null;
        try {
            node.start();
            if (config.repository() != null && config.self().repositoryPort() > 0) {
                repo = DeploymentRepository.open(config.dataDir().resolve("apps.git"));
                http = RepositoryServer.start(repo, config.self().host(), config.self().repositoryPort(), config.repository().pushToken());
            }
        } catch (Exception e) {
            node.close();
            if (repo != null) {
                repo.close();
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start the deployment repository: " + e.getMessage(), e);
        }
        log.info("triad server {} listening on port {}", config.self(), node.port());
        return new TriadServer(config, node, repo, http);
    }

    /** Fetches new deployments from the other members; fast-forward only, so only missing objects travel. */
    private void follow() {
        while (open) {
            LockSupport.parkNanos(FETCH_INTERVAL_NANOS);
            for (TriadConfig.Member m : config.members()) {
                if (!open || m.equals(config.self()) || m.repositoryPort() <= 0) {
                    continue;
                }
                try {
                    repository.fetchFrom("http://" + m.host() + ":" + m.repositoryPort() + RepositoryServer.PATH);
                } catch (IOException | RuntimeException e) {
                    log.debug("repository fetch from {} failed: {}", m, e.toString());
                }
            }
        }
    }

    /** This member's deployment repository, or null if it serves none. */
    public DeploymentRepository repository() {
        return repository;
    }

    public TriadConfig config() {
        return config;
    }

    public boolean isReady() {
        return node.isReady();
    }

    /** Waits until the server has reconciled with the reachable members and serves its keys. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!node.isReady()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public int port() {
        return node.port();
    }

    /** The m-node this server holds for the key, or null (for tests). */
    io.isohost.cache.internal.MNode held(String cache, byte[] key) {
        return node.held(cache, key);
    }

    /** Whether this server's store holds the value (for tests). */
    boolean storesValue(io.isohost.cache.internal.Hash valueHash) {
        return node.storesValue(valueHash);
    }

    /** How many m-nodes (tombstones included) this server holds. */
    public int entryCount() {
        return node.entryCount();
    }

    @Override
    public void close() {
        open = false;
        if (repositoryServer != null) {
            try {
                repositoryServer.close();
            } catch (Exception e) {
                log.warn("stopping the repository server: {}", e.toString());
            }
            repository.close();
        }
        node.close();
        log.info("triad server {} stopped", config.self());
    }
}
