package io.isohost.cache.internal;

import io.isohost.testing.Waits;
import io.isohost.cache.TriadConfig;
import io.isohost.cache.TriadServer;
import io.isohost.cache.TriadTesting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that never authenticate: closed after the authentication timeout, and bounded in number. */
class ConnectionAuthTest {
    /** What the server sends every connection it accepts: a 16-byte nonce and a 32-byte MAC. */
    private static final int HELLO = 48;
    /** A bound on every wait for the server to close a socket; the server's deadline in these tests is far shorter. */
    private static final int WAIT_MS = 20_000;

    @TempDir
    Path dir;

    private TriadServer start(Duration authTimeout, int maxUnauthenticated) throws Exception {
        TriadConfig cfg = TriadTesting.withConnectionLimits(TriadTesting.config(1, dir, Map.of(), true), authTimeout, maxUnauthenticated);
        TriadServer server = TriadTesting.start(cfg, 0);
        assertTrue(server.awaitReady(Duration.ofSeconds(10)));
        return server;
    }

    private static InetSocketAddress address(TriadServer server) {
        return server.config().self().address();
    }

    private static Conn authenticated(TriadServer server) throws IOException {
        Conn c = Conn.connect(address(server), TriadTesting.SECRET, WAIT_MS, 1 << 20);
        assertAnswers(c);
        return c;
    }

    private static void assertAnswers(Conn c) throws IOException {
        assertEquals(Proto.OK, c.call(new Buf().u8(Proto.STATUS)).u8());
    }

    /** A raw socket that has received the server's hello (so the server accepted and counts it) and sends nothing. */
    private static Socket silent(TriadServer server) throws IOException {
        Socket s = new Socket();
        s.connect(address(server), WAIT_MS);
        s.setSoTimeout(WAIT_MS);
        assertEquals(HELLO, s.getInputStream().readNBytes(HELLO).length, "the server's hello");
        return s;
    }

    /** Reads until the server closes the socket; a read that times out fails the test. */
    private static void assertClosedByServer(Socket s, String what) throws IOException {
        s.setSoTimeout(WAIT_MS);
        InputStream in = s.getInputStream();
        int b;
        do {
            b = in.read();
        } while (b >= 0);
        assertEquals(-1, b, what);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (TriadServer server = start(Duration.ofSeconds(1), 64); Conn client = authenticated(server);
             Socket idle = silent(server)) {
            assertClosedByServer(idle, "the silent connection is closed");
            assertAnswers(client); // older than the deadline, but it authenticated
        }
    }

    @Test
    void connectionsBeyondTheBoundOnUnauthenticatedOnesAreClosedAtOnce() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try (TriadServer server = start(Duration.ofMinutes(5), 4); Conn client = authenticated(server)) {
            for (int i = 0; i < 4; i++) {
                idle.add(silent(server));
            }
            try (Socket extra = new Socket()) {
                extra.connect(address(server), WAIT_MS);
                assertClosedByServer(extra, "the fifth unauthenticated connection is closed without a hello");
            }
            assertAnswers(client);

            idle.removeFirst().close();
            // the server sees the close and frees its place; a real client gets in within a bounded wait
            // (until then it is closed at once: an EOFException, which Awaitility ignores as an IOException)
            Waits.await("a place freed by a closed connection is taken again").ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        authenticated(server).close();
                        return true;
                    });
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
