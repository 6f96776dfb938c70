package io.isohost.cache;

import io.isohost.cache.internal.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * One triad server, embedded (the host daemon) or standalone ({@link TriadMain}). It serves on the member
 * address its configuration names, persists every entry under the data directory, and joins the other members.
 */
public final class TriadServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TriadServer.class);

    private final TriadConfig config;
    private final Node node;

    private TriadServer(TriadConfig config, Node node) {
        this.config = config;
        this.node = node;
    }

    /** Opens the store, binds the port and starts joining; the server serves once {@link #isReady()}. */
    public static TriadServer start(TriadConfig config) throws IOException {
        Node node = new Node(config);
        try {
            node.start();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        log.info("triad server {} listening on port {}", config.self(), node.port());
        return new TriadServer(config, node);
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

    /** How many m-nodes (tombstones included) this server holds. */
    public int entryCount() {
        return node.entryCount();
    }

    @Override
    public void close() {
        node.close();
        log.info("triad server {} stopped", config.self());
    }
}
