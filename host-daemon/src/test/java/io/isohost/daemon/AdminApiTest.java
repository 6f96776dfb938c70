package io.isohost.daemon;

import io.isohost.container.ComponentCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over real HTTP: request size limit, strict JSON types, short errors, the Bearer scheme, containers by hand. */
class AdminApiTest {
    private static final long LIMIT = 4096;

    @TempDir
    Path tmp;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        DaemonSettings s = TestHosts.settings(tmp.resolve("data")).withRouterPort(0);
        daemon = Daemon.start(new HostConfig(s, List.of(), List.of())
                .withControl(ControlSettings.defaults().withAdminRequestLimit(LIMIT)), MBeanServerFactory.newMBeanServer());
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(daemon.adminUri().resolve(path))
                .header("Authorization", "Bearer " + daemon.adminToken()).method(method, body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        return send(method, path, HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void aBodyOverTheLimitIsAnswered413WithoutBeingRead() throws Exception {
        String big = "{\"name\": \"x\", \"pad\": \"" + "a".repeat((int) LIMIT * 16) + "\"}";
        var declared = send("POST", "api/containers", big);
        assertEquals(413, declared.statusCode(), declared.body());
        assertTrue(declared.body().contains("limit of " + LIMIT + " bytes"), declared.body());
        // a chunked body declares no length: it is refused once the limit is passed while reading
        var chunked = send("POST", "api/containers",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())));
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(daemon.containers().container("x").isEmpty(), "nothing was created");
        assertEquals(200, send("POST", "api/containers", "{\"name\": \"x\"}").statusCode(), "a body under the limit is read");
    }

    @Test
    void theLimitIsTheHostConfigurations() throws Exception {
        Path file = tmp.resolve("host.xml");
        java.nio.file.Files.writeString(file, """
                <isohost xmlns="urn:isohost:host:1"><server><admin-request-limit>65536</admin-request-limit></server></isohost>
                """);
        assertEquals(65536, HostConfig.read(file).control().adminRequestLimit());
        assertEquals(ControlSettings.DEFAULT_ADMIN_REQUEST_LIMIT, HostConfig.defaults().control().adminRequestLimit());
    }

    @Test
    void valuesOfTheWrongTypeAreRefusedNotCoerced() throws Exception {
        var name = send("POST", "api/containers", "{\"name\": 5}");
        assertEquals(400, name.statusCode());
        assertTrue(name.body().contains("\\\"name\\\" must be a string"), name.body());
        var policies = send("POST", "api/containers", "{\"name\": \"x\", \"policies\": \"x\"}");
        assertEquals(400, policies.statusCode());
        assertTrue(policies.body().contains("\\\"policies\\\" must be an object"), policies.body());
        var share = send("POST", "api/containers", "{\"name\": \"x\", \"policies\": {\"cpuShare\": \"0.5\"}}");
        assertEquals(400, share.statusCode());
        assertTrue(share.body().contains("\\\"cpuShare\\\" must be a number"), share.body());
        var group = send("POST", "api/containers", "{\"name\": \"x\", \"group\": \"yes\"}");
        assertEquals(400, group.statusCode());
        var notAnObject = send("POST", "api/containers", "[\"x\"]");
        assertEquals(400, notAnObject.statusCode());
        assertTrue(daemon.containers().container("x").isEmpty(), "nothing was created");

        var allocation = send("PUT", "api/services/hello/allocation", "{\"containers\": 2.7}");
        assertEquals(400, allocation.statusCode());
        assertTrue(allocation.body().contains("\\\"containers\\\" must be a whole number, not 2.7"), allocation.body());
        assertEquals(400, send("PUT", "api/services/hello/allocation", "{\"containers\": \"3\"}").statusCode());
        assertEquals(200, send("POST", "api/containers", "{\"name\": \"x\", \"policies\": {\"maxConcurrency\": 4}}").statusCode());
        var quota = send("PUT", "api/containers/x/quota", "{\"maxConcurrency\": 2.5}");
        assertEquals(400, quota.statusCode(), quota.body());
    }

    @Test
    void unknownFieldsAreRefusedNotIgnored() throws Exception {
        var extra = send("POST", "api/containers", "{\"name\": \"x4\", \"extra\": 1}");
        assertEquals(400, extra.statusCode(), extra.body());
        assertTrue(extra.body().contains("unknown field \\\"extra\\\""), extra.body());
        assertTrue(extra.body().contains("[name, parent, group, policies, port, maxThreads]"), extra.body());
        assertTrue(daemon.containers().container("x4").isEmpty(), "nothing was created");
        var allocation = send("PUT", "api/services/hello/allocation", "{\"containers\": 2, \"contaners\": 3}");
        assertEquals(400, allocation.statusCode(), allocation.body());
        assertTrue(allocation.body().contains("unknown field \\\"contaners\\\""), allocation.body());
        assertEquals(200, send("POST", "api/containers", "{\"name\": \"x4\", \"maxThreads\": 8}").statusCode());
        var quota = send("PUT", "api/containers/x4/quota", "{\"maxConcurency\": 2}");
        assertEquals(400, quota.statusCode(), quota.body());
        assertTrue(quota.body().contains("maxConcurency"), quota.body());
        var component = send("POST", "api/containers/x4/components", "{\"name\": \"c\", \"artifact\": []}");
        assertEquals(400, component.statusCode(), component.body());
        assertTrue(component.body().contains("unknown field \\\"artifact\\\""), component.body());
        var deployment = send("PUT", "api/deployment", "{\"version\": 9, \"container\": []}");
        assertEquals(400, deployment.statusCode(), deployment.body());
        assertTrue(deployment.body().contains("unknown field \\\"container\\\""), deployment.body());
    }

    @Test
    void errorsQuoteOnlyAnExcerptOfWhatWasSent() throws Exception {
        String longName = "n".repeat(3000);
        var r = send("POST", "api/containers", "{\"name\": \"x\", \"parent\": \"" + longName + "\"}");
        assertEquals(400, r.statusCode(), r.body().substring(0, 200));
        assertTrue(r.body().length() < 1200, "an error of " + r.body().length() + " characters");
        var badJson = send("POST", "api/containers", "{\"name\": " + "x".repeat(3000) + "}");
        assertEquals(400, badJson.statusCode());
        assertTrue(badJson.body().length() < 1200, "an error of " + badJson.body().length() + " characters");
    }

    @Test
    void overAHostThatIsNotReadyTheApiAnswers503() throws Exception {
        daemon.close(); // no longer ready: what the API sees while a host starts or stops
        var server = new org.eclipse.jetty.server.Server();
        var connector = new org.eclipse.jetty.server.ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new io.isohost.daemon.internal.AdminApi(daemon));
        server.start();
        try {
            var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/services"))
                    .header("Authorization", "Bearer " + daemon.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("starting or stopping") && r.headers().firstValue("Retry-After").isPresent(), r.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        for (String scheme : new String[]{"bearer", "BEARER", "Bearer"}) {
            var r = http.send(HttpRequest.newBuilder(daemon.adminUri().resolve("api/status"))
                    .header("Authorization", scheme + " " + daemon.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), scheme);
        }
        var basic = http.send(HttpRequest.newBuilder(daemon.adminUri().resolve("api/status"))
                .header("Authorization", "Basic " + daemon.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, basic.statusCode());
    }

    /** The host's own containers and a service's are changed through the host and the service, never by hand. */
    @Test
    void onlyContainersMadeByHandAreDestroyedOrGivenComponentsByHand() throws Exception {
        ComponentCompiler.compile(tmp.resolve("classes"), java.util.Map.of("demo.Hello", DeploymentManagerTest.HELLO));
        Path shop = tmp.resolve("shop.xml");
        java.nio.file.Files.writeString(shop, ServicesTest.descriptor(2, "replicate-all"));
        daemon.services().submit(shop);
        String component = "{\"name\": \"extra\", \"artifacts\": [\"" + tmp.resolve("classes")
                + "\"], \"servlets\": [{\"className\": \"demo.Hello\", \"urlPatterns\": [\"/extra\"]}]}";

        var destroy = send("DELETE", "api/containers/shop-1", "");
        assertEquals(409, destroy.statusCode(), destroy.body());
        assertTrue(destroy.body().contains("belongs to service 'shop'"), destroy.body());
        assertEquals(409, send("POST", "api/containers/shop-1/components", component).statusCode());
        assertEquals(409, send("DELETE", "api/containers/shop-1/components/web", "").statusCode());
        assertTrue(daemon.containers().container("shop-1").orElseThrow().isolates().size() == 1, "the service's container is as it was");
        assertEquals(200, send("PUT", "api/containers/shop-1/quota", "{\"maxConcurrency\": 8}").statusCode(),
                "an operator's quota is still set by hand");

        var balancer = send("DELETE", "api/containers/isohost-generators", "");
        assertEquals(409, balancer.statusCode(), balancer.body());
        assertTrue(daemon.containers().container("isohost-generators").isPresent());
        assertEquals(400, send("POST", "api/containers", "{\"name\": \"isohost-mine\"}").statusCode());

        assertEquals(200, send("POST", "api/containers", "{\"name\": \"app-1\"}").statusCode());
        var installed = send("POST", "api/containers/app-1/components", component);
        assertEquals(200, installed.statusCode(), installed.body());
        assertEquals(200, send("DELETE", "api/containers/app-1", "").statusCode(), "one made by hand is destroyed by hand");
    }
}
