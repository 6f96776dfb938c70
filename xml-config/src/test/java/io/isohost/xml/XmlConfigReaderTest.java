package io.isohost.xml;

import io.isohost.testing.HostileXml;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The reader against every kind of isohost file, with each file's own schema as documented in docs/schema. */
class XmlConfigReaderTest {
    @TempDir
    Path tmp;

    /** Each kind of file: its schema, root and a small valid document. */
    enum Kind {
        HOST("host-config.xsd", "urn:isohost:host:1", "isohost", """
                <isohost xmlns="urn:isohost:host:1">
                  <server><admin-port>7270</admin-port></server>
                  <load-balancer strategy="green" queue-timeout="2s"><tenant-queue-share tenant="a" share="0.5"/></load-balancer>
                </isohost>
                """),
        BALANCER("lb-1.xsd", "urn:isohost:lb:1", "load-balancer", """
                <load-balancer xmlns="urn:isohost:lb:1" strategy="round-robin">
                  <settings max-limit="5"><tenant-queue-share tenant="a" share="0.5"/></settings>
                  <route component="c"><url-pattern>/c/*</url-pattern><backend id="b" url="http://127.0.0.1:1/"/></route>
                </load-balancer>
                """),
        TRIAD("triad-1.xsd", "urn:isohost:triad:1", "triad", """
                <triad xmlns="urn:isohost:triad:1" server="a">
                  <member id="a" address="127.0.0.1:7701"/>
                  <data-dir>data</data-dir>
                  <secret-file>secret</secret-file>
                </triad>
                """),
        DESCRIPTOR("service-1.xsd", "urn:isohost:service:1", "service", """
                <service xmlns="urn:isohost:service:1" name="hello" tenant="demo">
                  <shapes><shape name="small"/></shapes>
                  <allocation><containers shape="small" count="1"/></allocation>
                  <components>
                    <component name="web"><artifact>hello.jar</artifact>
                      <servlet class="x.Hello"><url-pattern>/hello/*</url-pattern></servlet></component>
                  </components>
                </service>
                """),
        DEPLOYMENT("deployment-1.xsd", "urn:isohost:deployment:1", "deployment", """
                <deployment xmlns="urn:isohost:deployment:1">
                  <container id="c1" shape="small"><component name="web"/></container>
                </deployment>
                """);

        final String schema;
        final String namespace;
        final String root;
        final String valid;

        Kind(String schema, String namespace, String root, String valid) {
            this.schema = schema;
            this.namespace = namespace;
            this.root = root;
            this.valid = valid;
        }

        XmlConfigReader reader() {
            return XmlConfigReader.forSchema(XmlConfigReaderTest.class.getResource("/schema/" + schema), namespace, root);
        }
    }

    private Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static XmlProblem onlyProblem(XmlConfigException e) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().getFirst();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aValidFileGivesItsTreeWithPlacesAndSchemaDefaults(Kind kind) throws Exception {
        Path f = write("valid.xml", kind.valid);
        XmlElement root = kind.reader().read(f);
        assertEquals(kind.root, root.name());
        assertEquals(kind.namespace, root.namespace());
        assertEquals(f.toString(), root.source());
        assertEquals(1, root.line());
        assertFalse(root.children().isEmpty());
        assertEquals(2, root.children().getFirst().line());
    }

    @Test
    void theSharedBalancerTypeIsIncludedFromBesideEachSchema() throws Exception {
        XmlElement host = Kind.HOST.reader().read(write("h.xml", Kind.HOST.valid));
        XmlElement lb = host.child("load-balancer").orElseThrow();
        assertEquals("urn:isohost:host:1", lb.children().getFirst().namespace(), "the included type takes the host's namespace");
        assertEquals("0.5", lb.children("tenant-queue-share").getFirst().required("share"));
        XmlElement standalone = Kind.BALANCER.reader().read(write("b.xml", Kind.BALANCER.valid));
        assertEquals("5", standalone.child("settings").orElseThrow().required("max-limit"));
        assertEquals("8080", standalone.required("port"), "the schema's default is filled in");

        var e = assertThrows(XmlConfigException.class, () -> Kind.HOST.reader().read(write("bad.xml", """
                <isohost xmlns="urn:isohost:host:1">
                  <load-balancer queue-timeout="soon"/>
                </isohost>
                """)));
        assertEquals(2, onlyProblem(e).line());
        assertTrue(e.getMessage().contains("queue-timeout") && e.getMessage().contains("'soon'"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anExternalEntityReadsNoLocalFile(Kind kind) throws Exception {
        Path secret = write("secret.txt", "THE-SECRET-CONTENT");
        Path f = write("xxe.xml", HostileXml.externalEntity(kind.root, kind.namespace, secret.toUri()));
        var e = assertThrows(XmlConfigException.class, () -> kind.reader().read(f));
        XmlProblem p = onlyProblem(e);
        assertEquals(f.toString(), p.source());
        assertEquals(2, p.line(), "the DOCTYPE is refused where it starts: " + p);
        assertTrue(p.column() > 0);
        assertTrue(p.message().contains("DOCTYPE is not allowed"), p.message());
        assertFalse(e.getMessage().contains("THE-SECRET-CONTENT"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nothingIsFetchedFromTheNetwork(Kind kind) throws Exception {
        try (var probe = new HostileXml.Probe()) {
            assertThrows(XmlConfigException.class, () -> kind.reader().read(
                    write("ssrf-entity.xml", HostileXml.externalEntity(kind.root, kind.namespace, probe.uri("entity")))));
            assertThrows(XmlConfigException.class, () -> kind.reader().read(
                    write("ssrf-dtd.xml", HostileXml.externalDtd(kind.root, kind.namespace, probe.uri("dtd")))));
            // a schema location hint in a valid document is not followed: the reader's schema is fixed
            String hinted = kind.valid.replaceFirst(" xmlns=\"" + kind.namespace + "\"", " xmlns=\"" + kind.namespace
                    + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"" + kind.namespace
                    + " " + probe.uri("schema.xsd") + "\"");
            assertEquals(kind.root, kind.reader().read(write("hint.xml", hinted)).name());
            assertFalse(probe.contacted(), "the reader connected to " + probe.uri(""));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nestedEntitiesAreRefusedUnexpanded(Kind kind) throws Exception {
        Path f = write("laughs.xml", HostileXml.billionLaughs(kind.root, kind.namespace));
        var e = assertThrows(XmlConfigException.class, () -> kind.reader().read(f));
        XmlProblem p = onlyProblem(e);
        assertEquals(2, p.line());
        assertTrue(p.message().contains("DOCTYPE is not allowed"), p.message());
        assertFalse(e.getMessage().contains("lollol"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFileAboveTheLimitIsRefusedBeforeItIsRead(Kind kind) throws Exception {
        XmlConfigReader reader = kind.reader().withSizeLimit(4096);
        assertEquals(kind.root, reader.read(write("small.xml", HostileXml.padded(kind.valid, 4000))).name());
        Path big = write("big.xml", HostileXml.padded(kind.valid, 5000));
        var e = assertThrows(XmlConfigException.class, () -> reader.read(big));
        XmlProblem p = onlyProblem(e);
        assertEquals(big + ": the file is larger than 4096 bytes, the limit for this kind of file; nothing of it was used",
                p.toString());
        assertEquals(XmlConfigReader.DEFAULT_SIZE_LIMIT, kind.reader().sizeLimit());
        assertThrows(XmlConfigException.class, () -> kind.reader().read(
                HostileXml.padded(kind.valid, XmlConfigReader.DEFAULT_SIZE_LIMIT + 1).getBytes(StandardCharsets.UTF_8), "mem"));
    }

    @Test
    void aStreamIsReadNoFurtherThanTheLimit() {
        byte[] start = "<isohost xmlns=\"urn:isohost:host:1\">".getBytes(StandardCharsets.UTF_8);
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return served[0] < start.length ? start[(int) served[0]++] : spaces();
            }

            private int spaces() {
                served[0]++;
                return ' ';
            }
        };
        var e = assertThrows(XmlConfigException.class, () -> Kind.HOST.reader().withSizeLimit(10_000).read(endless, "stream"));
        assertTrue(e.getMessage().startsWith("stream: the file is larger than 10000 bytes"), e.getMessage());
        assertTrue(served[0] <= 10_001 + 8192, "read " + served[0] + " bytes of an endless stream");
    }

    @Test
    void problemsQuoteOnlyAShortExcerpt() throws Exception {
        String huge = "9".repeat(100_000);
        Path f = write("long.xml", "<isohost xmlns=\"urn:isohost:host:1\">\n  <server><admin-port>" + huge
                + "</admin-port></server>\n</isohost>\n");
        var e = assertThrows(XmlConfigException.class, () -> Kind.HOST.reader().read(f));
        for (XmlProblem p : e.problems()) {
            assertTrue(p.message().length() <= 403, p.message().length() + " characters: " + p.message());
            assertTrue(p.toString().startsWith(f + ":2:"), p.toString());
        }
        assertTrue(e.getMessage().contains("'" + "9".repeat(40) + "...'"), e.getMessage());
    }

    @Test
    void everyProblemIsListedWithItsPlaceAndNoTreeIsGiven() throws Exception {
        Path f = write("two.xml", """
                <load-balancer xmlns="urn:isohost:lb:1" strategy="random">
                  <route component="x"><url-pattern>/x</url-pattern></route>
                </load-balancer>
                """);
        var e = assertThrows(XmlConfigException.class, () -> Kind.BALANCER.reader().read(f));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).toString().startsWith(f + ":1:"), e.getMessage());
        assertTrue(e.problems().get(0).message().contains("one of round-robin, server-load, green"), e.getMessage());
        assertTrue(e.problems().get(1).toString().startsWith(f + ":2:"), e.getMessage());

        Path malformed = write("malformed.xml", "<deployment xmlns=\"urn:isohost:deployment:1\">\n  <container>\n</deployment>\n");
        var m = assertThrows(XmlConfigException.class, () -> Kind.DEPLOYMENT.reader().read(malformed));
        assertTrue(m.getMessage().contains(malformed + ":3:3: the XML is not well formed"), m.getMessage());
    }

    @Test
    void aRootOfAnotherKindIsRefused() throws Exception {
        Path f = write("other.xml", Kind.BALANCER.valid);
        var e = assertThrows(XmlConfigException.class, () -> Kind.HOST.reader().read(f));
        assertTrue(e.getMessage().startsWith(f + ":1:"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = tmp.resolve("missing.xml");
        var e = assertThrows(XmlConfigException.class, () -> Kind.HOST.reader().read(f));
        assertTrue(e.getMessage().startsWith(f + ": cannot read the file"), e.getMessage());
    }
}
