package io.isohost.daemon;

import io.isohost.testing.HostileXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HostConfigTest {
    @TempDir
    Path tmp;

    @Test
    void aConfigurationFileSetsPortsDirectoriesAndCustomResources() throws Exception {
        Path file = tmp.resolve("host.xml");
        Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1">
                  <server id="h1" address="127.0.0.1">
                    <data-directory>state</data-directory>
                    <admin-port>7270</admin-port>
                    <jmx-port>7271</jmx-port>
                    <container-ports first="30000" last="30099"/>
                  </server>
                  <resources>
                    <resource name="rubis.tx"/>
                    <resource-definition class="com.example.ShopResources"/>
                  </resources>
                </isohost>
                """);
        HostConfig c = HostConfig.read(file);
        assertEquals(7270, c.settings().adminPort());
        assertEquals(7271, c.settings().jmxPort());
        assertEquals(30000, c.settings().firstContainerPort());
        assertEquals(tmp.resolve("state").toAbsolutePath(), c.settings().dataDirectory());
        assertEquals(List.of("rubis.tx"), c.resources());
        assertEquals(List.of("com.example.ShopResources"), c.resourceDefinitions());
    }

    @Test
    void theBalancerTakesResinsParametersAndTenantsQueueShares() throws Exception {
        Path file = tmp.resolve("host.xml");
        Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1">
                  <load-balancer strategy="green" load-balance-warmup-time="20s" load-balance-connect-timeout="2s"
                                 queue-capacity="200" min-limit="2">
                    <tenant-queue-share tenant="rice" share="0.5"/>
                    <tenant-queue-share tenant="acme" share="0.25"/>
                  </load-balancer>
                </isohost>
                """);
        var lb = HostConfig.read(file).balancer();
        assertEquals(io.isohost.lb.Strategy.GREEN, lb.strategy());
        assertEquals(java.time.Duration.ofSeconds(20), lb.warmupTime());
        assertEquals(java.time.Duration.ofSeconds(2), lb.connectTimeout());
        assertEquals(200, lb.queueCapacity());
        assertEquals(2, lb.minLimit());
        assertEquals(java.util.Map.of("rice", 0.5, "acme", 0.25), lb.tenantQueueShares());
        assertEquals(java.time.Duration.ofSeconds(15), lb.recoverTime(), "what is left out keeps Resin's default");

        Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1">
                  <load-balancer><tenant-queue-share tenant="a" share="0.8"/><tenant-queue-share tenant="b" share="0.8"/></load-balancer>
                </isohost>
                """);
        var e = assertThrows(HostConfig.InvalidConfig.class, () -> HostConfig.read(file));
        assertTrue(e.getMessage().contains("more than the whole queue"), e.getMessage());
    }

    @Test
    void anInvalidFileNamesLineAndColumnAndStartsNothing() throws Exception {
        Path file = tmp.resolve("bad.xml");
        Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1">
                  <server>
                    <admin-port>seventy</admin-port>
                  </server>
                </isohost>
                """);
        var e = assertThrows(HostConfig.InvalidConfig.class, () -> HostConfig.read(file));
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("seventy"), e.getMessage());

        Path broken = tmp.resolve("broken.xml");
        Files.writeString(broken, "<isohost xmlns=\"urn:isohost:host:1\">\n  <server>\n</isohost>\n");
        var e2 = assertThrows(HostConfig.InvalidConfig.class, () -> HostConfig.read(broken));
        assertTrue(e2.getMessage().contains(broken + ":3:"), e2.getMessage());

        var err = new ByteArrayOutputStream();
        var cli = new Isohost(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Isohost.USAGE, cli.run("start", "--config", file.toString()));
        assertTrue(err.toString().contains("nothing started"), err.toString());
    }

    @Test
    void anUnknownResourceDefinitionClassIsNamed() throws Exception {
        Path file = tmp.resolve("host.xml");
        Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1">
                  <server><data-directory>d</data-directory><admin-port>0</admin-port><jmx-port>0</jmx-port></server>
                  <resources><resource-definition class="com.example.Missing"/></resources>
                </isohost>
                """);
        var err = new ByteArrayOutputStream();
        var cli = new Isohost(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Isohost.FAILED, cli.run("start", "--config", file.toString()));
        assertTrue(err.toString().contains("com.example.Missing"), err.toString());
    }

    @Test
    void hostileFilesAreRefusedWhereTheyStartAndReachNothing() throws Exception {
        HostileXml.assertRefusedByReader(tmp, "isohost", HostConfig.NAMESPACE, "<isohost xmlns=\"urn:isohost:host:1\"/>",
                f -> assertThrows(HostConfig.InvalidConfig.class, () -> HostConfig.read(f)).getMessage());
    }
}
