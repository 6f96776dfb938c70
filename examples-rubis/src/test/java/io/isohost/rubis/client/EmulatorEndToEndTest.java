package io.isohost.rubis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isohost.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the emulator over real HTTP against a tiny loopback server serving marker pages. */
class EmulatorEndToEndTest {

    private TestBackend server;
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong images = new AtomicLong();
    private String url;

    @BeforeEach
    void start() throws Exception {
        server = new TestBackend("rubis");
        server.pages = path -> {
            if (path.endsWith(".gif")) {
                images.incrementAndGet();
                return "GIF";
            }
            return TestPages.markerPage(pages.incrementAndGet()) + "<IMG SRC=\"/rubis/logo.gif\">";
        };
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void fourClientsForTwoSecondsWriteTheResults(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Emulator.run(new String[] {"--url", url, "--mix", "bidding", "--clients", "4",
                "--duration", "1500ms", "--up-ramp", "250ms", "--down-ramp", "250ms", "--think-ms", "0",
                "--seed", "5", "--out", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Emulator.OK, status, err.toString(StandardCharsets.UTF_8));

        Path json = dir.resolve(EmulatorConfig.JSON_FILE);
        Path md = dir.resolve(EmulatorConfig.MARKDOWN_FILE);
        assertTrue(Files.isRegularFile(json) && Files.isRegularFile(md));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("bidding", root.get("mix").asText());
        assertEquals(4, root.get("clients").asInt());
        assertEquals(5, root.get("seed").asLong());
        assertEquals(3, root.get("phases").size());
        JsonNode m = root.get("phases").get(1);
        assertEquals("measurement", m.get("phase").asText());
        long requests = m.get("pageRequests").asLong();
        assertTrue(requests > 0, "no requests measured");
        assertEquals(0, m.get("errors").asLong());
        assertTrue(m.get("pagesPerSecond").asDouble() > 0);
        assertTrue(m.get("originalPerSecond").asDouble() >= m.get("pagesPerSecond").asDouble());
        assertEquals(27, m.get("interactions").size());
        long sum = 0;
        for (JsonNode row : m.get("interactions")) {
            sum += row.get("count").asLong();
        }
        assertEquals(requests, sum);
        assertTrue(m.get("interactions").get(State.HOME.ordinal()).get("count").asLong() > 0);
        assertTrue(images.get() > 0, "images were not fetched");

        String table = Files.readString(md);
        assertTrue(table.contains("| ViewItem |"), table);
        assertTrue(table.contains("Throughput (real page requests)"), table);
        assertTrue(table.contains("as the original emulator counts it"), table);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("| Interaction | Count |"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("rubis measurement"), "progress lines on stderr");
    }

    @Test
    void programmaticRunWithAFakeFetcherHonoursThePhases() throws Exception {
        EmulatorConfig config = EmulatorConfig.builder().mix(Mix.BROWSING).clients(3)
                .measurement(Duration.ofMillis(600)).upRamp(Duration.ofMillis(100)).downRamp(Duration.ofMillis(100))
                .thinkMeanMs(0).seed(11).progress(false).build();
        long t0 = System.nanoTime();
        EmulatorResult r = Emulator.run(config, path -> TestPages.markerPage(path.length()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 750 && ms < 5000, "run took " + ms + " ms");
        assertTrue(r.measurement().pageRequests() > 0);
        assertEquals(0.6, r.measurement().seconds(), 1e-9);
        assertTrue(r.phase(Phase.UP_RAMP).pageRequests() > 0);
        assertTrue(r.toJson().contains("\"measurement\""));
    }

    @Test
    void clientsStuckInARequestAreStoppedAfterTheDownRamp() throws Exception {
        EmulatorConfig config = EmulatorConfig.builder().clients(5).measurement(Duration.ofMillis(200))
                .upRamp(Duration.ZERO).downRamp(Duration.ZERO).thinkMeanMs(0).seed(2).progress(false)
                .stopGrace(Duration.ofSeconds(1)).build();
        long t0 = System.nanoTime();
        EmulatorResult r = Emulator.run(config, path -> {
            try {
                Thread.sleep(60_000); // a server that never answers
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return "never";
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "run took " + ms + " ms");
        assertEquals(0, r.totalPageRequests());
    }
}
