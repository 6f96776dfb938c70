package io.isohost.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for test servers on loopback, free when asked and below Linux's ephemeral range (32768 and
 * up). A port from {@code new ServerSocket(0)} comes from that range, the one outgoing connections
 * take their source ports from: between the check and a server's bind, a connection (a triad's
 * members dialling each other as they start) can take it, and the JCache TCK's triad once failed to
 * start with "Address already in use". Ports are drawn at random so that test JVMs running at the
 * same time rarely try the same one.
 */
public final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private FreePorts() {
    }

    /** A port free on loopback now. */
    public static int port() {
        return range(1);
    }

    /** The first of {@code count} consecutive ports all free on loopback now (a host's container port range). */
    public static int range(int count) {
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = random.nextInt(LOW, HIGH - count + 1);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found between " + LOW + " and " + HIGH + " on loopback");
    }

    /** Waits, bounded, until {@code port} can be bound on loopback again (a server released it). */
    public static void awaitFree(int port) {
        Waits.await("port " + port + " free again").until(() -> allFree(port, 1));
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
