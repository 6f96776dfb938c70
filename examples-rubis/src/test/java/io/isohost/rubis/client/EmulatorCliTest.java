package io.isohost.rubis.client;

import io.isohost.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmulatorCliTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Emulator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsage(String option, String... args) {
        Outcome o = run(args);
        assertEquals(Emulator.USAGE, o.status(), o.err());
        assertTrue(o.err().contains(option), "message should name " + option + ": " + o.err());
    }

    @Test
    void badOptionsExitWithTwoAndNameTheOption() {
        assertUsage("--frobnicate", "--frobnicate");
        assertUsage("--mix", "--mix", "shopping");
        assertUsage("--clients", "--clients", "0");
        assertUsage("--clients", "--clients", "many");
        assertUsage("--duration", "--duration", "soon");
        assertUsage("--duration", "--duration", "0s");
        assertUsage("--up-ramp", "--up-ramp", "-5s");
        assertUsage("--think-ms", "--think-ms", "-1");
        assertUsage("--scale", "--scale", "0");
        assertUsage("--seed", "--seed", "x");
        assertUsage("--url", "--url", "ftp://example.org");
        assertUsage("--out", "--out");
    }

    @Test
    void helpPrintsTheOptions() {
        Outcome o = run("--help");
        assertEquals(Emulator.OK, o.status());
        for (String opt : new String[] {"--url", "--mix", "--clients", "--duration", "--up-ramp", "--down-ramp",
                "--think-ms", "--scale", "--seed", "--out"}) {
            assertTrue(o.out().contains(opt), opt);
        }
    }

    @Test
    void optionsAndDefaults() throws Exception {
        EmulatorConfig c = Emulator.parse(new String[] {"--url=http://10.0.0.1:8080", "--mix", "bidding",
                "--clients", "12", "--duration", "2m", "--think-ms", "0", "--scale", "0.5", "--seed", "9",
                "--out", "/tmp/x", "--no-progress"});
        assertEquals("http://10.0.0.1:8080", c.url().toString());
        assertEquals(Mix.BIDDING, c.mix());
        assertEquals(12, c.clients());
        assertEquals(Duration.ofMinutes(2), c.measurement());
        assertEquals(Duration.ofSeconds(12), c.upRamp());
        assertEquals(Duration.ofSeconds(6), c.downRamp());
        assertEquals(0, c.thinkMeanMs());
        assertEquals(0.5, c.scale());
        assertEquals(9, c.seed());
        assertEquals(Path.of("/tmp/x"), c.outDir());
        assertTrue(!c.progress());
        EmulatorConfig d = Emulator.parse(new String[0]);
        assertEquals(EmulatorConfig.DEFAULT_URL, d.url().toString());
        assertEquals(Mix.BROWSING, d.mix());
        assertEquals(100, d.clients());
        assertEquals(Duration.ofSeconds(60), d.measurement());
        assertEquals(Duration.ofSeconds(6), d.upRamp());
        assertEquals(Duration.ofSeconds(3), d.downRamp());
        assertEquals(7000, d.thinkMeanMs());
        assertEquals(0.01, d.scale());
        assertEquals(2, d.upSlowdown());
        assertEquals(3, d.downSlowdown());
        assertEquals(1000, d.maxSessionPages());
        assertEquals(Duration.ofMillis(500), Emulator.duration("--x", "500ms"));
        assertEquals(Duration.ofHours(1), Emulator.duration("--x", "1h"));
        assertEquals(Duration.ofSeconds(45), Emulator.duration("--x", "45"));
        assertNull(Emulator.parse(new String[] {"--help"}));
        assertThrows(Emulator.UsageException.class, () -> Emulator.parse(new String[] {"--clients"}));
    }

    @Test
    void anUnreachableTargetExitsWithOne() throws Exception {
        int port = FreePorts.port();
        Outcome o = run("--url", "http://127.0.0.1:" + port, "--duration", "1s", "--no-progress");
        assertEquals(Emulator.FAILED, o.status(), o.err());
        assertTrue(o.err().contains("cannot reach"), o.err());
    }
}
