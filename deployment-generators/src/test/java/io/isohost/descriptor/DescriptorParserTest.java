package io.isohost.descriptor;

import io.isohost.testing.HostileXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DescriptorParserTest {
    static final Path EXAMPLES = Path.of("..", "docs", "examples");

    /** A minimal valid descriptor; tests replace one part of it. */
    static final String HELLO = """
            <?xml version="1.0" encoding="UTF-8"?>
            <service xmlns="urn:isohost:service:1" name="hello" tenant="demo">
              <shapes>
                <shape name="small" cpu-share="0.25">
                  <rate resource="requests" per-second="100"/>
                </shape>
              </shapes>
              <allocation>
                <containers shape="small" count="2"/>
              </allocation>
              <components>
                <component name="web">
                  <servlet class="example.Hello"><url-pattern>/hello</url-pattern></servlet>
                </component>
              </components>
            </service>
            """;

    private static List<DescriptorProblem> problems(String xml) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> DescriptorParser.parse(xml, "hello.xml"));
        return e.problems();
    }

    private static String only(String xml) {
        List<DescriptorProblem> problems = problems(xml);
        assertEquals(1, problems.size(), () -> "expected one problem: " + problems);
        return problems.getFirst().toString();
    }

    @Test
    void validDescriptorGivesTheModel() throws Exception {
        ServiceDescriptor d = DescriptorParser.parse(HELLO, "hello.xml");
        assertEquals("hello", d.name());
        assertEquals("demo", d.tenant());
        assertEquals(2, d.allocation().total());
        ContainerShape small = d.shapes().get("small");
        assertEquals(100.0, small.rates().get("requests"));
        assertEquals(0.25, small.cpuShare());
        ComponentDescriptor web = d.component("web").orElseThrow();
        assertEquals("java", web.kind());
        assertEquals(ComponentDescriptor.Replication.FREE, web.replication());
        assertEquals(List.of("/hello"), web.servlets().getFirst().urlPatterns());
        assertEquals("Hello", web.servlets().getFirst().name());
    }

    @Test
    void aUrlPatternIsClaimedOnceInAService() {
        String twice = HELLO.replace("</components>", """
                  <component name="other">
                    <servlet class="example.Other"><url-pattern>/hello</url-pattern></servlet>
                  </component>
                </components>""");
        String problem = only(twice);
        assertTrue(problem.contains("URL pattern '/hello' is already claimed by component 'web'"), problem);
    }

    @Test
    void helloExampleParses() throws Exception {
        ServiceDescriptor d = DescriptorParser.parse(EXAMPLES.resolve("hello.xml"));
        assertEquals("threshold-autoscale", d.generator().orElseThrow().name());
        assertEquals("80", d.generator().orElseThrow().parameters().get("scale-up-rate"));
    }

    @Test
    void rubisExampleHasDatabaseApplicationServerWithTwentyServletsAndLoadBalancer() throws Exception {
        ServiceDescriptor d = DescriptorParser.parse(EXAMPLES.resolve("rubis.xml"));
        assertEquals(ComponentDescriptor.Replication.STATEFUL, d.component("rubis-db").orElseThrow().replication());
        assertEquals(Optional.of("database"), d.component("rubis-db").orElseThrow().shape());
        assertTrue(d.component("rubis-web").orElseThrow().isApplicationServer());
        assertEquals(20, d.embeddedIn("rubis-web").size());
        assertEquals("io.isohost.rubis.lb.RubisTargetChooser", d.loadBalancer().orElseThrow().configurationClass());
        assertEquals(10.0, d.allocation().entries().getFirst().shape().rates().get("rubis.tx"));
        assertEquals(Optional.of(Duration.ofMillis(200)), d.sla("StoreBid").orElseThrow().maxMeanResponse());
        assertEquals(512L << 20, d.shapes().get("database").memoryBytes());
    }

    @Test
    void relativePathsResolveAgainstTheDescriptorsDirectory() throws Exception {
        ServiceDescriptor d = DescriptorParser.parse(EXAMPLES.resolve("rubis.xml"));
        Path expected = EXAMPLES.toAbsolutePath().resolve("../../examples-rubis/target/rubis.jar").normalize();
        assertEquals(expected, d.component("rubis-web").orElseThrow().artifacts().getFirst());
        assertEquals(List.of(expected), d.loadBalancer().orElseThrow().artifacts());
    }

    @Test
    void malformedDescriptorNamesLineAndColumn() {
        String broken = HELLO.replace("</component>", "</componen>");
        String problem = only(broken);
        assertEquals("hello.xml:14:7: the XML is not well formed: The element type \"component\" must be terminated "
                + "by the matching end-tag \"</component>\".", problem);
    }

    @Test
    void missingAttributeNamesElementAttributeLineAndColumn() {
        String problem = only(HELLO.replace("<component name=\"web\">", "<component>"));
        assertEquals("hello.xml:12:16: element 'component' is missing attribute 'name'", problem);
    }

    @Test
    void invalidValueSaysWhichAttributeAndWhy() {
        assertEquals("hello.xml:9:42: attribute 'count' of element 'containers' has value '0', which is not valid: "
                + "it must be at least 1", only(HELLO.replace("count=\"2\"", "count=\"0\"")));
        assertTrue(only(HELLO.replace("<component name=\"web\">", "<component name=\"web\" kind=\"cobol\">"))
                .endsWith("attribute 'kind' of element 'component' has value 'cobol', which is not valid: "
                        + "it must be one of java, process, js, python, espresso"));
        assertTrue(only(HELLO.replace("cpu-share=\"0.25\"", "cpu-share=\"half\""))
                .contains("attribute 'cpu-share' of element 'shape' has value 'half', which is not valid"));
    }

    @Test
    void unexpectedElementSaysWhatWasExpected() {
        String problem = only(HELLO.replace("<allocation>", "<allocations>").replace("</allocation>", "</allocations>"));
        assertTrue(problem.startsWith("hello.xml:8:"), problem);
        assertTrue(problem.contains("element 'allocations' is not expected here; expected allocation"), problem);
    }

    @Test
    void unknownAttributeIsNamed() {
        String problem = only(HELLO.replace("<component name=\"web\">", "<component name=\"web\" colour=\"red\">"));
        assertTrue(problem.endsWith("element 'component' has no attribute 'colour'"), problem);
    }

    @Test
    void wrongNamespaceIsRefused() {
        String problem = problems(HELLO.replace("urn:isohost:service:1", "urn:example:other")).getFirst().toString();
        assertTrue(problem.startsWith("hello.xml:2:"), problem);
        assertTrue(problem.contains("'service'"), problem);
    }

    @Test
    void doctypeIsRefusedSoNoExternalEntityIsRead() {
        String xxe = HELLO.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\"?><!DOCTYPE service [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>")
                .replace("tenant=\"demo\"", "tenant=\"&secret;\"");
        String problem = only(xxe);
        assertTrue(problem.contains("DOCTYPE is not allowed"), problem);
    }

    @Test
    void duplicateComponentNamesAreRefusedAtTheSecond() {
        String twice = HELLO.replace("</components>", """
                    <component name="web"><entry-class>example.Main</entry-class></component>
                  </components>""");
        String problem = only(twice);
        assertTrue(problem.startsWith("hello.xml:15:"), problem);
        assertTrue(problem.endsWith("component name 'web' is already used at line 12"), problem);
    }

    @Test
    void embeddedComponentMustNameAnExistingApplicationServer() {
        String missing = HELLO.replace("</components>", """
                    <embedded-component name="Bid" application-server="app">
                      <servlet class="example.Bid"><url-pattern>/bid</url-pattern></servlet>
                    </embedded-component>
                  </components>""");
        assertTrue(only(missing).endsWith("embedded component 'Bid' names application server 'app', "
                + "which is not a component of this service"), only(missing));
        String plain = missing.replace("application-server=\"app\"", "application-server=\"web\"");
        assertTrue(only(plain).contains("names component 'web', which is not an application server"), only(plain));
    }

    @Test
    void slaTargetsMustExist() {
        String sla = HELLO.replace("</components>", """
                  </components>
                  <slas>
                    <sla component="web" priority="2"/>
                    <sla component="ghost" max-mean-response="200ms"/>
                  </slas>""");
        String problem = only(sla);
        assertTrue(problem.startsWith("hello.xml:18:"), problem);
        assertTrue(problem.endsWith("SLA names component 'ghost', which is not a component of this service"), problem);
    }

    @Test
    void contradictoryFasterThanRulesAreRefused() {
        String cycle = HELLO.replace("</components>", """
                    <component name="api"><entry-class>example.Api</entry-class></component>
                    <component name="batch"><entry-class>example.Batch</entry-class></component>
                  </components>
                  <slas>
                    <faster-than component="web" than="api"/>
                    <faster-than component="api" than="batch"/>
                    <faster-than component="batch" than="web"/>
                  </slas>""");
        String problem = only(cycle);
        assertTrue(problem.startsWith("hello.xml:21:"), problem);
        assertTrue(problem.contains("'batch' faster than 'web' contradicts"), problem);
    }

    @Test
    void allocationMustNameADefinedShape() {
        String problem = only(HELLO.replace("<containers shape=\"small\"", "<containers shape=\"large\""));
        assertTrue(problem.endsWith("allocation names shape 'large', which is not defined; defined shapes: small"), problem);
    }

    @Test
    void clusterAwareComponentNeedsAReplicaSetup() {
        String problem = only(HELLO.replace("<component name=\"web\">", "<component name=\"web\" replication=\"cluster-aware\">"));
        assertTrue(problem.contains("cluster-aware component 'web' needs a replica-setup"), problem);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String many = HELLO.replace("<containers shape=\"small\"", "<containers shape=\"large\"").replace("</components>", """
                    <component name="web"><entry-class>example.Main</entry-class></component>
                  </components>
                  <slas><sla component="ghost"/></slas>""");
        assertEquals(3, problems(many).size(), () -> problems(many).toString());
    }

    @Test
    void unreadableFileIsAClearError(@TempDir Path dir) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> DescriptorParser.parse(dir.resolve("absent.xml")));
        assertTrue(e.getMessage().contains("absent.xml") && e.getMessage().contains("cannot read"), e.getMessage());
    }

    /** A host reads a submitted descriptor while it holds its services: a pipe that no one writes must not block it. */
    @Test
    void aPipeOrADeviceIsRefusedWithoutBeingOpened(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("service.xml");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "this machine makes no named pipes");
        DescriptorException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(DescriptorException.class, () -> DescriptorParser.read(fifo, 1 << 20)));
        assertTrue(e.getMessage().contains("service.xml") && e.getMessage().contains("not a regular file"), e.getMessage());
        DescriptorException device = assertThrows(DescriptorException.class, () -> DescriptorParser.read(Path.of("/dev/zero"), 1 << 20));
        assertTrue(device.getMessage().contains("not a regular file"), device.getMessage());
    }

    @Test
    void fileErrorsAreNamedByFileName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shop.xml");
        Files.writeString(file, HELLO.replace("count=\"2\"", "count=\"-1\""));
        DescriptorException e = assertThrows(DescriptorException.class, () -> DescriptorParser.parse(file));
        assertTrue(e.getMessage().startsWith("shop.xml:9:"), e.getMessage());
    }

    @Test
    void hostileDescriptorsAreRefusedWhereTheyStartAndReachNothing(@TempDir Path dir) throws Exception {
        HostileXml.assertRefusedByReader(dir, "service", DescriptorParser.NAMESPACE, HELLO,
                f -> assertThrows(DescriptorException.class, () -> DescriptorParser.parse(f)).getMessage());
    }

    @Test
    void aHostsOwnSizeLimitIsCheckedBeforeTheDescriptorIsReadWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.xml");
        Files.writeString(file, HostileXml.padded(HELLO, 5000));
        DescriptorException e = assertThrows(DescriptorException.class, () -> DescriptorParser.read(file, 4096));
        assertEquals("big.xml: the file is larger than 4096 bytes, the limit for this kind of file; nothing of it was used",
                e.getMessage());
        byte[] kept = DescriptorParser.read(file, 8192);
        assertEquals(Files.size(file), kept.length);
        assertEquals("hello", DescriptorParser.parse(kept, "big.xml", Optional.empty(), 8192).name());
        assertThrows(DescriptorException.class, () -> DescriptorParser.parse(kept, "big.xml", Optional.empty(), 4096));
    }
}
