package io.isohost.lb;

import io.isohost.testing.HostileXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class LbCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aConfigurationFileNamesRoutesBackendsAndResinStyleSettings() throws Exception {
        Path f = tmp.resolve("lb.xml");
        Files.writeString(f, """
                <load-balancer xmlns="urn:isohost:lb:1" port="9090" strategy="green">
                  <settings load-balance-recover-time="3s" load-balance-warmup-time="500ms" max-limit="50" forwarded-header="true"/>
                  <route component="browse">
                    <url-pattern>/browse/*</url-pattern>
                    <backend id="b1" url="http://127.0.0.1:9001/" load-balance-weight="200"/>
                  </route>
                </load-balancer>
                """);
        var c = LbCommand.read(f);
        assertEquals(9090, c.port());
        assertEquals(Strategy.GREEN, c.balancer().strategy());
        assertEquals(Duration.ofSeconds(3), c.balancer().recoverTime());
        assertEquals(Duration.ofMillis(500), c.balancer().warmupTime());
        assertEquals(Duration.ofSeconds(5), c.balancer().connectTimeout(), "Resin's default");
        assertTrue(c.balancer().forwardedHeader());
        assertEquals(200, c.routes().getFirst().endpoints().getFirst().weight());
    }

    @Test
    void anInvalidFileIsRefusedWithLineAndColumn() throws Exception {
        Path f = tmp.resolve("bad.xml");
        Files.writeString(f, """
                <load-balancer xmlns="urn:isohost:lb:1" strategy="random">
                  <route component="x"><url-pattern>/x</url-pattern></route>
                </load-balancer>
                """);
        var e = assertThrows(IllegalArgumentException.class, () -> LbCommand.read(f));
        assertTrue(e.getMessage().contains(f + ":1:"), e.getMessage());
        assertTrue(e.getMessage().contains(f + ":2:"), "every problem is listed: " + e.getMessage());
        var err = new ByteArrayOutputStream();
        assertEquals(2, LbCommand.run(new String[]{"--config", f.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err)));
        assertTrue(err.toString().contains("nothing started"));
    }

    @Test
    void hostileFilesAreRefusedWhereTheyStartAndReachNothing() throws Exception {
        HostileXml.assertRefusedByReader(tmp, "load-balancer", "urn:isohost:lb:1", "<load-balancer xmlns=\"urn:isohost:lb:1\"/>",
                f -> assertThrows(IllegalArgumentException.class, () -> LbCommand.read(f)).getMessage());
    }
}
