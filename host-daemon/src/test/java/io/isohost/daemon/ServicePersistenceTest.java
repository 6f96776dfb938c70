package io.isohost.daemon;

import io.isohost.container.ComponentCompiler;
import io.isohost.container.TestComponents;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.descriptor.DescriptorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a host keeps of a service: its components' files across stops, starts and kill -9, the
 * service itself after its submitted files are gone, until the operator removes it; and what it
 * refuses to register at all.
 */
class ServicePersistenceTest {

    @TempDir
    Path tmp;
    private Path app;
    private DaemonSettings settings;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A service with a stateful counter (its own container) and a replicated one (in the allocated containers). */
    static String descriptor(String name, String tenant, String prefix, String artifact) {
        return """
                <service xmlns="urn:isohost:service:1" name="%1$s" tenant="%2$s">
                  <shapes><shape name="small"/></shapes>
                  <allocation><containers shape="small" count="1"/></allocation>
                  <components>
                    <component name="store" replication="stateful" shape="small">
                      <artifact>%4$s</artifact>
                      <servlet class="demo.Counts" name="%3$s-store"><url-pattern>/%3$s/store</url-pattern></servlet>
                    </component>
                    <component name="web">
                      <artifact>%4$s</artifact>
                      <servlet class="demo.Counts" name="%3$s-web"><url-pattern>/%3$s/web</url-pattern></servlet>
                    </component>
                  </components>
                </service>
                """.formatted(name, tenant, prefix, artifact);
    }

    @BeforeEach
    void setUp() throws Exception {
        app = tmp.resolve("app");
        ComponentCompiler.compile(app.resolve("classes"), Map.of("demo.Counts", TestComponents.COUNTS));
        Files.writeString(app.resolve("shop.xml"), descriptor("shop", "acme", "shop", "classes"));
        settings = TestHosts.settings(tmp.resolve("data"));
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Daemon start() throws Exception {
        daemon = Daemon.start(settings, MBeanServerFactory.newMBeanServer());
        return daemon;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks a counter through the host's balancer. */
    private String count(String path) throws Exception {
        return count(URI.create("http://127.0.0.1:" + settings.routerPort() + path));
    }

    /** Asks a counter at its container's own endpoint. */
    private String count(String container, String path) throws Exception {
        return count(daemon.containers().container(container).orElseThrow().endpoint().orElseThrow().resolve(path));
    }

    private String count(URI uri) throws Exception {
        var r = send(HttpRequest.newBuilder(uri));
        assertEquals(200, r.statusCode(), () -> uri + ": " + r.body());
        return r.body();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        String token = Files.readString(settings.dataDirectory().resolve("admin.token")).strip();
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.adminPort() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void componentsKeepTheirFilesAcrossAStopAndAStartOfTheHost() throws Exception {
        start().services().submit(app.resolve("shop.xml"));
        assertEquals("1", count("/shop/store"));
        assertEquals("1", count("/shop/web"));
        daemon.close();
        start();
        assertEquals("2", count("shop-store", "/shop/store"), "the stateful component's file survived the restart");
        assertEquals("2", count("shop-1", "/shop/web"), "the replica's file survived the restart");
        assertTrue(Files.exists(settings.dataDirectory().resolve("services/shop/components/store/count")));
        assertTrue(Files.exists(settings.dataDirectory().resolve("services/shop/replicas/shop-1/web/count")));

        // placed again (allocated away and back), a replica finds its files; the stateful one never moved
        daemon.services().allocate("shop", 0);
        daemon.services().allocate("shop", 1);
        assertEquals("3", count("/shop/web"));
    }

    @Test
    void componentsKeepTheirFilesWhenTheHostProcessIsKilled() throws Exception {
        Process host = ChildHost.start(settings);
        try {
            var submitted = admin("POST", "/api/services", "{\"descriptor\": \"" + app.resolve("shop.xml") + "\"}");
            assertEquals(200, submitted.statusCode(), submitted.body());
            assertEquals("1", count("/shop/store"));
            assertEquals("2", count("/shop/store"));
        } finally {
            host.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9
        }
        start();
        assertEquals("3", count("shop-store", "/shop/store"), "the component's file survived kill -9 of its host");
    }

    @Test
    void aServiceOutlivesItsSubmittedFilesAndGoesOnlyWhenRemoved() throws Exception {
        start().services().submit(app.resolve("shop.xml"));
        assertEquals("1", count("/shop/store"));
        daemon.close();
        // the submitted descriptor and classes are moved away: the host kept its own copies
        Files.move(app, tmp.resolve("moved"));
        start();
        assertEquals("2", count("shop-store", "/shop/store"));
        assertEquals(List.of("shop"), daemon.services().list().stream().map(s -> s.descriptor().name()).toList());

        var removed = admin("DELETE", "/api/services/shop", null);
        assertEquals(200, removed.statusCode(), removed.body());
        assertTrue(removed.body().contains("shop-store") && removed.body().contains("component data"), removed.body());
        assertTrue(daemon.services().list().isEmpty());
        assertTrue(daemon.containers().containers().stream().noneMatch(c -> c.name().startsWith("shop-")));
        assertFalse(Files.exists(settings.dataDirectory().resolve("services/shop")), "its descriptor, artifacts and data are deleted");
        assertEquals(404, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.routerPort() + "/shop/store")))
                .statusCode());
        assertEquals(400, admin("DELETE", "/api/services/shop", null).statusCode(), "removing it twice is refused");
        daemon.close();
        start();
        assertTrue(daemon.services().list().isEmpty(), "a removed service stays removed");
    }

    static final String OWN_GENERATOR = """
            package demo;
            import io.isohost.deploy.*;
            public class Own implements DeploymentGeneratorProvider {
                @Override public String name() { return "own"; }
                @Override public String description() { return "replicate-all, from a jar"; }
                @Override public DeploymentGenerator create(GeneratorSettings s) { return Generators.load("replicate-all").create(s); }
            }
            """;

    @Test
    void aGeneratorSwappedInFromAJarIsKeptWithTheService() throws Exception {
        Path jar = ComponentCompiler.providerJar(tmp.resolve("own.jar"), DeploymentGeneratorProvider.class.getName(),
                "demo.Own", OWN_GENERATOR);
        start().services().submit(app.resolve("shop.xml"));
        daemon.services().swapGenerator("shop", jar.toString(), Map.of());
        daemon.close();
        Files.delete(jar);
        start();
        String generator = daemon.services().service("shop").orElseThrow().generatorName();
        assertTrue(generator.startsWith(settings.dataDirectory().resolve("services/shop/artifacts").toAbsolutePath().toString())
                && generator.endsWith("-own.jar"), "the service runs the host's copy of the jar: " + generator);
        assertEquals("1", count("shop-store", "/shop/store"));
    }

    @Test
    void theSameTenantUpdatesItsServiceAndAnotherTenantCannotTakeIt() throws Exception {
        start().services().submit(app.resolve("shop.xml"));
        Path evil = app.resolve("evil.xml");
        Files.writeString(evil, descriptor("shop", "evil", "evil", "classes"));
        var e = assertThrows(DescriptorException.class, () -> daemon.services().submit(evil));
        assertTrue(e.getMessage().contains("belongs to tenant 'acme'") && e.getMessage().contains("'evil'"), e.getMessage());
        assertEquals("acme", daemon.services().service("shop").orElseThrow().descriptor().tenant());
        assertEquals("1", count("/shop/store"));
        assertTrue(Files.readString(settings.dataDirectory().resolve("services/shop/descriptor.xml")).contains("tenant=\"acme\""));

        Path update = app.resolve("update.xml");
        Files.writeString(update, descriptor("shop", "acme", "shop", "classes").replace("count=\"1\"", "count=\"2\""));
        daemon.services().submit(update);
        assertEquals(2, daemon.services().service("shop").orElseThrow().descriptor().allocation().total());
        assertEquals("2", count("/shop/store"), "an update keeps the component's files");
    }

    /** Asserts a refused submission left nothing: no service, nothing kept, no container. */
    private void assertNothingOf(String service) {
        assertTrue(daemon.services().service(service).isEmpty(), service + " is not registered");
        assertFalse(Files.exists(settings.dataDirectory().resolve("services").resolve(service)), service + " is not kept");
        assertTrue(daemon.deployments().current().containers().stream().noneMatch(c -> c.service().equals(service)),
                "no container of " + service);
        var owned = daemon.deployments().current().byName().keySet();
        assertTrue(daemon.containers().containers().stream().filter(c -> !c.isGroup() && !owned.contains(c.name()))
                .noneMatch(c -> c.name().startsWith(service + "-")), "no container of " + service);
    }

    private DescriptorException refused(String name, String xml) throws Exception {
        Path file = app.resolve(name + ".xml");
        Files.writeString(file, xml);
        var e = assertThrows(DescriptorException.class, () -> daemon.services().submit(file));
        assertNothingOf(name);
        return e;
    }

    @Test
    void artifactsThatAreMissingNotCodeOrOutsideTheAllowedPlacesAreRefusedBeforeAnythingIsRegistered() throws Exception {
        start();
        Files.writeString(app.resolve("notes.jar"), "not a zip");
        Files.createDirectories(app.resolve("empty"));
        assertTrue(refused("missing", descriptor("missing", "acme", "m", "nope.jar")).getMessage().contains("does not exist"));
        assertTrue(refused("notjar", descriptor("notjar", "acme", "n", "notes.jar")).getMessage().contains("is not a jar"));
        assertTrue(refused("noclasses", descriptor("noclasses", "acme", "c", "empty")).getMessage().contains("without classes"));
        var traversal = refused("traversal", descriptor("traversal", "acme", "t", "../../../../../../../../etc/passwd"));
        assertTrue(traversal.getMessage().contains("outside the places"), traversal.getMessage());
        var etc = refused("etc", descriptor("etc", "acme", "e", "/etc"));
        assertTrue(etc.getMessage().contains("/etc is outside the places"), etc.getMessage());
        Path elsewhere = ComponentCompiler.compile(tmp.resolve("elsewhere/classes"), Map.of("demo.Counts", TestComponents.COUNTS));
        var outside = refused("outside", descriptor("outside", "acme", "o", elsewhere.toString()));
        assertTrue(outside.getMessage().contains("outside the places"), outside.getMessage());
        Files.createSymbolicLink(app.resolve("linked"), elsewhere);
        assertTrue(refused("linked", descriptor("linked", "acme", "l", "linked")).getMessage().contains("outside the places"));
        assertTrue(daemon.deployments().current().containers().isEmpty(), "nothing was deployed");

        // a configured artifact root is an allowed place too
        daemon.close();
        settings = settings.withArtifactRoots(List.of(tmp.resolve("elsewhere")));
        start().services().submit(app.resolve("outside.xml"));
        assertEquals("1", count("/o/store"));
    }

    @Test
    void namesAndUrlPatternsAnotherServiceHoldsAndReservedNamesAreRefused() throws Exception {
        start();
        Files.writeString(app.resolve("rubis.xml"), descriptor("rubis", "rice", "rubis", "classes")
                .replace("name=\"store\"", "name=\"rubis-db\""));
        daemon.services().submit(app.resolve("rubis.xml"));
        var collide = refused("rubis-rubis", descriptor("rubis-rubis", "rice", "other", "classes")
                .replace("name=\"store\"", "name=\"db\""));
        assertTrue(collide.getMessage().contains("'rubis-rubis-db'") && collide.getMessage().contains("service 'rubis'"),
                collide.getMessage());
        var urls = refused("copycat", descriptor("copycat", "other", "rubis", "classes"));
        assertTrue(urls.getMessage().contains("'/rubis/store'") && urls.getMessage().contains("service 'rubis'")
                && urls.getMessage().contains("service 'copycat'"), urls.getMessage());
        var nested = refused("wide", descriptor("wide", "other", "wide", "classes")
                .replace("<url-pattern>/wide/store</url-pattern>", "<url-pattern>/rubis/*</url-pattern>"));
        assertTrue(nested.getMessage().contains("'/rubis/*' of service 'wide' overlaps '/rubis/"), nested.getMessage());
        // a container made by hand is no service's to take
        daemon.containers().create(io.isohost.container.ContainerConfig.leaf("hand-1", io.isohost.container.ContainerPolicies.NONE));
        var hand = assertThrows(IllegalArgumentException.class, () -> {
            Path file = app.resolve("hand.xml");
            Files.writeString(file, descriptor("hand", "acme", "hand", "classes"));
            daemon.services().submit(file);
        });
        assertTrue(hand.getMessage().contains("'hand-1', which exists and is not the service's"), hand.getMessage());
        assertTrue(daemon.services().service("hand").isEmpty());
        assertFalse(Files.exists(settings.dataDirectory().resolve("services/hand")), "nothing of it is kept");
        // nor is one named as a service's next container: an allocation does not take it
        Files.writeString(app.resolve("grow.xml"), descriptor("grow", "acme", "grow", "classes"));
        daemon.services().submit(app.resolve("grow.xml"));
        daemon.containers().create(io.isohost.container.ContainerConfig.leaf("grow-2", io.isohost.container.ContainerPolicies.NONE));
        var grow = assertThrows(IllegalArgumentException.class, () -> daemon.services().allocate("grow", 2));
        assertTrue(grow.getMessage().contains("'grow-2', which exists and is not the service's"), grow.getMessage());
        assertTrue(daemon.containers().container("grow-2").orElseThrow().isolates().isEmpty(), "the container made by hand is as it was");
        assertEquals(1, daemon.services().service("grow").orElseThrow().descriptor().allocation().total());
        daemon.services().remove("grow");
        assertTrue(refused("isohost", descriptor("isohost", "acme", "i", "classes")).getMessage().contains("reserved"));
        assertTrue(refused("isohost-x", descriptor("isohost-x", "acme", "x", "classes")).getMessage().contains("reserved"));
        assertEquals(List.of("rubis"), daemon.services().list().stream().map(s -> s.descriptor().name()).toList());
    }

    @Test
    void anIsolateKindTheHostCannotRunIsRefusedAtSubmit() throws Exception {
        start();
        var e = refused("proc", descriptor("proc", "acme", "p", "classes")
                .replace("<component name=\"web\">", "<component name=\"web\" kind=\"process\">"));
        assertTrue(e.getMessage().contains("component 'web' asks for isolate kind 'process', which this host cannot run (it has: java)"),
                e.getMessage());
    }

    @Test
    void aDescriptorOverTheSizeLimitIsRefusedBeforeItIsRead() throws Exception {
        settings = settings.withDescriptorLimit(64 * 1024);
        start();
        String huge = descriptor("huge", "acme", "h", "classes").replace("tenant=\"acme\"",
                "tenant=\"" + "a".repeat(200_000) + "\"");
        var e = refused("huge", huge);
        assertTrue(e.getMessage().contains("larger than 65536 bytes"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, "the error quotes nothing of the descriptor: " + e.getMessage().length());

        // the command line sets the limit for the host it starts; a limit that is no size is a usage error
        var err = new java.io.ByteArrayOutputStream();
        assertEquals(Isohost.USAGE, new Isohost(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err))
                .run("start", "--data", tmp.resolve("other").toString(), "--descriptor-limit", "0"));
        assertTrue(err.toString().contains("--descriptor-limit"), err.toString());
    }
}
