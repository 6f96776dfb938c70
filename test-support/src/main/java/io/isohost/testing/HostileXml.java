package io.isohost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Documents that attack an XML reader, shaped for any root element and namespace, so that every kind
 * of configuration file is tried with the same attacks: an external entity reading a local file, an
 * external DTD or entity fetched from a URL (server-side request forgery), nested entities that expand
 * to gigabytes (billion laughs), and documents too large to read.
 */
public final class HostileXml {
    private HostileXml() {
    }

    /** An external general entity whose value would be the resource at {@code uri}, used in the root's text. */
    public static String externalEntity(String root, String namespace, URI uri) {
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " [\n  <!ENTITY xxe SYSTEM \"" + uri + "\">\n]>\n<"
                + root + " xmlns=\"" + namespace + "\">&xxe;</" + root + ">\n";
    }

    /** A document whose DTD is fetched from {@code uri}. */
    public static String externalDtd(String root, String namespace, URI uri) {
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " SYSTEM \"" + uri + "\">\n<" + root + " xmlns=\""
                + namespace + "\"/>\n";
    }

    /** Ten levels of ten entities each: 10^10 copies of "lol" if a parser expanded them. */
    public static String billionLaughs(String root, String namespace) {
        StringBuilder dtd = new StringBuilder("<!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i <= 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " [\n" + dtd + "]>\n<" + root + " xmlns=\"" + namespace
                + "\">&lol10;</" + root + ">\n";
    }

    /**
     * Every attack that must be refused at its DOCTYPE (line 2) without reading {@code secret} (a local
     * file) or contacting {@code probe}.
     */
    public static List<String> refusedAtDoctype(String root, String namespace, Path secret, Probe probe) {
        return List.of(externalEntity(root, namespace, secret.toUri()), externalEntity(root, namespace, probe.uri("entity")),
                externalDtd(root, namespace, probe.uri("dtd")), billionLaughs(root, namespace));
    }

    /**
     * Tries every attack on a reader, each written to {@code dir/hostile.xml}: those of
     * {@link #refusedAtDoctype} must be refused at line 2 saying a DOCTYPE is not allowed, without
     * the local file's content and without contacting the network; {@code valid} padded past 1 MiB
     * must be refused as too large. {@code refusal} reads the file and returns the refusal's message
     * (failing the test if the file is accepted).
     */
    public static void assertRefusedByReader(Path dir, String root, String namespace, String valid,
                                             Function<Path, String> refusal) throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "THE-SECRET-CONTENT");
        Path file = dir.resolve("hostile.xml");
        try (var probe = new Probe()) {
            for (String attack : refusedAtDoctype(root, namespace, secret, probe)) {
                Files.writeString(file, attack);
                String message = refusal.apply(file);
                assertTrue(message.contains(file + ":2:") || message.contains("hostile.xml:2:"), message);
                assertTrue(message.contains("DOCTYPE is not allowed"), message);
                assertFalse(message.contains("THE-SECRET-CONTENT"), message);
            }
            assertFalse(probe.contacted(), "the reader connected to " + probe.uri(""));
        }
        Files.writeString(file, padded(valid, 1024 * 1024 + 1));
        String message = refusal.apply(file);
        assertTrue(message.matches("(?s).*hostile\\.xml: the file is larger than 1048576 bytes.*"), message);
    }

    /** A valid document made larger than {@code bytes} by a comment at its end. */
    public static String padded(String validDocument, long bytes) {
        return validDocument + "<!--" + "x".repeat((int) Math.max(0, bytes - validDocument.length())) + "-->\n";
    }

    /**
     * A loopback listener that counts who connects and closes each connection at once, so that a
     * reader that reached out fails fast instead of waiting for an answer. The count is raised before
     * the connection closes, so a reader that fetched from {@link #uri} has been counted when it returns.
     */
    public static final class Probe implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();

        public Probe() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofPlatform().daemon().name("hostile-xml-probe").start(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        public URI uri(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/" + path);
        }

        public boolean contacted() {
            return connections.get() > 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
