package io.isohost.daemon.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isohost.container.ContainerConfig;
import io.isohost.container.IsolateException;
import io.isohost.container.Quota;
import io.isohost.container.ServiceContainer;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.daemon.deploy.TargetStore;
import io.isohost.daemon.service.Services;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The admin HTTP API (JSON), behind the admin token:
 * <pre>
 * GET    /api/status
 * POST   /api/containers                          {"name", "parent", "group", "policies": {...}}
 * DELETE /api/containers/NAME                     one made by hand (a service's or the host's own: 409)
 * PUT    /api/containers/NAME/quota               {"resource": "rubis.tx", "rate": 20} | {"cpuShare": 0.5} | {"maxConcurrency": 8}
 * POST   /api/containers/NAME/components          {"name", "artifacts": [...], "servlets": [{"className", "urlPatterns"}], "entryClass"}
 * DELETE /api/containers/NAME/components/COMPONENT (both: containers made by hand only)
 * GET    /api/deployment                          the target the host was last made to match
 * PUT    /api/deployment                          {"version", "containers": [{"name", "policies", "components"}]}
 * GET    /api/services
 * POST   /api/services                            {"descriptor": "/path/to/service.xml"}
 * DELETE /api/services/NAME                       its containers, kept descriptor, artifacts and component data
 * POST   /api/services/NAME/generator             {"generator": "per-component" | "/path/gen.jar", "parameters": {...}}
 * PUT    /api/services/NAME/allocation            {"containers": 4}
 * POST   /api/services/NAME/dry-run               {"generator": "..."} or no body: the deployment it would make, applying nothing
 * POST   /api/shutdown
 * GET    /metrics                                 Prometheus text format, without the token
 * </pre>
 */
public final class AdminApi extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Daemon daemon;

    public AdminApi(Daemon daemon) {
        this.daemon = daemon;
    }

    /** An error the caller made; answered with its status and message. */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.equals("/metrics") && HttpMethod.GET.is(request.getMethod())) {
            // read-only and on the admin address: scraped without the token, as Prometheus expects
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            Content.Sink.write(response, true, daemon.metrics().scrape(), callback);
            return true;
        }
        try {
            if (!daemon.ready()) {
                // the admin API starts last and stops first; this covers the moments around that
                response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
                throw new ApiError(503, "the host is starting or stopping; try again shortly");
            }
            String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            // the scheme is case-insensitive (RFC 9110, section 11.1)
            String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
            if (!AdminToken.matches(daemon.adminToken(), presented)) {
                throw new ApiError(401, "missing or wrong admin token; send 'Authorization: Bearer <token>' (the token is in "
                        + daemon.settings().dataDirectory().resolve(AdminToken.FILE) + ")");
            }
            Object body = route(request, path);
            reply(response, callback, 200, body);
        } catch (ApiError e) {
            if (e.status == 413) {
                // the rest of the body is not read: the connection cannot carry another request
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            reply(response, callback, e.status, error(e.getMessage()));
        } catch (io.isohost.descriptor.DescriptorException e) {
            reply(response, callback, 400, error(e.getMessage()));
        } catch (io.isohost.deploy.GeneratorException e) {
            reply(response, callback, 400, error(e.getMessage()));
        } catch (io.isohost.daemon.deploy.DeploymentManager.DeploymentException e) {
            reply(response, callback, 409, error(e.getMessage()));
        } catch (IllegalArgumentException | IllegalStateException | IsolateException e) {
            reply(response, callback, 400, error(e.getMessage()));
        } catch (Exception e) {
            log.warn("admin API {} {} failed", request.getMethod(), path, e);
            reply(response, callback, 500, error(e.toString()));
        }
        return true;
    }

    private Object route(Request request, String path) throws Exception {
        String method = request.getMethod();
        String[] parts = path.replaceAll("/+$", "").split("/");
        // parts: "", "api", ...
        if (parts.length < 3 || !parts[1].equals("api")) {
            throw new ApiError(404, "no such API: " + path);
        }
        return switch (parts[2]) {
            case "status" -> {
                expect(method, HttpMethod.GET);
                yield StatusView.of(daemon);
            }
            case "shutdown" -> {
                expect(method, HttpMethod.POST);
                Thread.ofPlatform().name("isohost-shutdown").start(daemon::close);
                yield message("stopping");
            }
            case "containers" -> containers(request, method, parts);
            case "services" -> services(request, method, parts);
            case "deployment" -> {
                if (method.equals("GET")) {
                    yield TargetStore.json(daemon.deployments().current());
                }
                expect(method, HttpMethod.PUT);
                yield daemon.deployments().apply(TargetStore.target(readJson(request, "version", "containers")));
            }
            default -> throw new ApiError(404, "no such API: " + path);
        };
    }

    private Object containers(Request request, String method, String[] parts) throws Exception {
        if (parts.length == 3) {
            expect(method, HttpMethod.POST);
            return StatusView.container(createContainer(readJson(request, "name", "parent", "group", "policies", "port", "maxThreads")), daemon.deployments());
        }
        String name = parts[3];
        ServiceContainer c = daemon.containers().container(name)
                .orElseThrow(() -> new ApiError(404, "no container named '" + name + "'"));
        if (parts.length == 4) {
            if (method.equals("GET")) {
                return StatusView.container(c, daemon.deployments());
            }
            expect(method, HttpMethod.DELETE);
            requireMadeByHand(name);
            daemon.containers().destroy(name, Duration.ofSeconds(5));
            return message("destroyed " + name);
        }
        return switch (parts[4]) {
            case "quota" -> {
                if (!method.equals("GET")) {
                    expect(method, HttpMethod.PUT);
                    setQuota(c, readJson(request, "resource", "rate", "cpuShare", "maxConcurrency"));
                }
                yield StatusView.policies(c, daemon.deployments());
            }
            case "components" -> {
                requireMadeByHand(name);
                if (parts.length == 5) {
                    expect(method, HttpMethod.POST);
                    var iso = c.install(TargetStore.spec(readJson(request, TargetStore.COMPONENT_FIELDS)));
                    yield message("started " + iso.id());
                }
                expect(method, HttpMethod.DELETE);
                if (!c.uninstall(parts[5], Duration.ofSeconds(5))) {
                    throw new ApiError(404, "container '" + name + "' has no component '" + parts[5] + "'");
                }
                yield message("stopped " + name + "/" + parts[5]);
            }
            default -> throw new ApiError(404, "no such API: /api/containers/" + name + "/" + parts[4]);
        };
    }

    private Object services(Request request, String method, String[] parts) throws Exception {
        var services = daemon.services();
        if (parts.length == 3) {
            if (method.equals("GET")) {
                var list = JSON.createArrayNode();
                for (var s : services.list()) {
                    var n = list.addObject();
                    n.put("name", s.descriptor().name());
                    n.put("tenant", s.descriptor().tenant());
                    n.put("generator", s.generatorName());
                    n.put("allocation", s.descriptor().allocation().total());
                    var cs = n.putArray("containers");
                    s.deployment().containers().forEach(c -> cs.add(c.id()));
                }
                return list;
            }
            expect(method, HttpMethod.POST);
            String file = text(readJson(request, "descriptor"), "descriptor")
                    .orElseThrow(() -> new ApiError(400, "a submission names its \"descriptor\" file"));
            return report(services.submit(java.nio.file.Path.of(file)));
        }
        String name = parts[3];
        if (parts.length == 4) {
            expect(method, HttpMethod.DELETE);
            var removal = services.remove(name);
            ObjectNode n = report(removal.report());
            n.put("message", "removed service " + name + ": destroyed its containers " + removal.containers()
                    + " and deleted its descriptor, artifacts and component data in " + removal.deletedDirectory());
            return n;
        }
        if (parts.length == 5 && parts[4].equals("generator")) {
            expect(method, HttpMethod.POST);
            JsonNode body = readJson(request, "generator", "parameters");
            java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
            JsonNode given = body.path("parameters");
            if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
                throw new ApiError(400, "\"parameters\" must be an object of strings");
            }
            given.properties().forEach(e -> {
                if (!e.getValue().isTextual()) {
                    throw new ApiError(400, "generator parameter \"" + excerpt(e.getKey()) + "\" must be a string");
                }
                params.put(e.getKey(), e.getValue().asText());
            });
            String gen = text(body, "generator").orElseThrow(() -> new ApiError(400, "name the \"generator\""));
            return report(services.swapGenerator(name, gen, params));
        }
        if (parts.length == 5 && parts[4].equals("dry-run")) {
            expect(method, HttpMethod.POST);
            var gen = readOptionalJson(request, "generator").flatMap(b -> text(b, "generator"));
            return services.dryRun(name, gen);
        }
        if (parts.length == 5 && parts[4].equals("allocation")) {
            expect(method, HttpMethod.PUT);
            return report(services.allocate(name, integer(readJson(request, "containers"), "containers")
                    .orElseThrow(() -> new ApiError(400, "an allocation names its number of \"containers\""))));
        }
        throw new ApiError(404, "no such API: " + String.join("/", parts));
    }

    private static ObjectNode report(io.isohost.daemon.deploy.ApplyReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", r.version());
        n.set("containersCreated", JSON.valueToTree(r.containersCreated()));
        n.set("containersDestroyed", JSON.valueToTree(r.containersDestroyed()));
        n.set("containersRetuned", JSON.valueToTree(r.containersRetuned()));
        n.set("isolatesStarted", JSON.valueToTree(r.isolatesStarted()));
        n.set("isolatesStopped", JSON.valueToTree(r.isolatesStopped()));
        n.put("millis", r.millis());
        return n;
    }

    /**
     * Containers made by hand are destroyed and given components by hand; the host's own and a
     * service's are not (a service's deployment would still name what was taken from it). Their
     * quotas may still be changed: that is an operator's quota, kept as such.
     */
    private void requireMadeByHand(String name) {
        if (Services.reserved(name)) {
            throw new ApiError(409, "container '" + name + "' is the host's own; it is not changed by hand");
        }
        ContainerTarget owner = daemon.deployments().current().byName().get(name);
        if (owner != null) {
            throw new ApiError(409, "container '" + name + "' belongs to service '" + owner.service()
                    + "'; change it through the service (isohost allocate " + owner.service() + " N, isohost remove "
                    + owner.service() + ")");
        }
    }

    private ServiceContainer createContainer(JsonNode body) {
        String name = text(body, "name").orElseThrow(() -> new ApiError(400, "a container needs a \"name\""));
        if (Services.reserved(name)) {
            throw new ApiError(400, "container name '" + excerpt(name) + "' is reserved for the host's own containers (isohost-...)");
        }
        JsonNode group = body.path("group");
        if (!group.isMissingNode() && !group.isBoolean()) {
            throw new ApiError(400, "\"group\" must be true or false");
        }
        var config = new ContainerConfig(name, text(body, "parent"), group.asBoolean(false),
                TargetStore.policies(body.path("policies")), integer(body, "port").orElse(0),
                integer(body, "maxThreads").orElse(32));
        return daemon.containers().create(config);
    }

    private static void setQuota(ServiceContainer c, JsonNode body) {
        boolean any = false;
        if (body.has("rate")) {
            String resource = text(body, "resource").orElse("requests");
            c.setQuota(new Quota.Rate(resource, number(body, "rate")));
            any = true;
        }
        if (body.has("cpuShare")) {
            c.setQuota(new Quota.CpuShare(number(body, "cpuShare")));
            any = true;
        }
        if (body.has("maxConcurrency")) {
            c.setQuota(new Quota.MaxConcurrency(integer(body, "maxConcurrency").orElseThrow()));
            any = true;
        }
        if (!any) {
            throw new ApiError(400, "a quota change names \"rate\" (with \"resource\"), \"cpuShare\" or \"maxConcurrency\"");
        }
    }

    private static double number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isNumber()) {
            throw new ApiError(400, "\"" + field + "\" must be a number");
        }
        return n.asDouble();
    }

    /** A whole number that fits an int; {@code 2.7}, {@code "4"} or {@code true} are refused, not coerced. */
    private static Optional<Integer> integer(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber() || n.asDouble() != Math.rint(n.asDouble()) || !n.canConvertToInt()) {
            throw new ApiError(400, "\"" + field + "\" must be a whole number, not " + excerpt(n.toString()));
        }
        return Optional.of(n.asInt());
    }

    /** A string; a number or an object in its place is refused, not turned into text. */
    private static Optional<String> text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new ApiError(400, "\"" + field + "\" must be a string, not " + excerpt(n.toString()));
        }
        return Optional.of(n.asText());
    }

    private JsonNode readJson(Request request, String... allowed) throws Exception {
        return readOptionalJson(request, allowed).orElseThrow(() -> new ApiError(400, "the request needs a JSON body"));
    }

    /**
     * The body as a JSON object, read only up to the configured limit: a larger one is refused with
     * 413 as soon as its length (declared or read so far) says so, never held in memory whole. A
     * field the endpoint does not take (a misspelling, most often) is refused, not ignored.
     */
    private Optional<JsonNode> readOptionalJson(Request request, String... allowed) throws Exception {
        long limit = daemon.control().adminRequestLimit();
        long declared = request.getLength();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        byte[] body;
        try (var in = Content.Source.asInputStream(request)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(400, "the body is not valid JSON: " + excerpt(e.getOriginalMessage())
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (!json.isObject()) {
            throw new ApiError(400, "the body must be a JSON object, not " + excerpt(json.toString()));
        }
        var fields = java.util.List.of(allowed);
        for (var property : json.properties()) {
            if (!fields.contains(property.getKey())) {
                throw new ApiError(400, "unknown field \"" + excerpt(property.getKey()) + "\"; this request takes " + fields);
            }
        }
        return Optional.of(json);
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "the request body is larger than the admin API's limit of " + limit
                + " bytes (<admin-request-limit> in the host configuration)");
    }

    /** At most {@value #EXCERPT} characters of text the caller sent, so an error never echoes a whole input. */
    static String excerpt(String text) {
        return excerpt(text, EXCERPT);
    }

    private static String excerpt(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "... (" + (text.length() - max) + " more characters)";
    }

    private static final int EXCERPT = 200;

    private static void expect(String method, HttpMethod expected) {
        if (!expected.is(method)) {
            throw new ApiError(405, "use " + expected + " here, not " + method);
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static ObjectNode error(String text) {
        // messages may quote what the caller sent (a name, a descriptor's value): never all of it
        return JSON.createObjectNode().put("error", excerpt(text, 4 * EXCERPT));
    }

    private static void reply(Response response, Callback callback, int status, Object body) {
        String json;
        try {
            json = JSON.writeValueAsString(body) + "\n";
        } catch (Exception e) {
            status = 500;
            json = "{\"error\": \"cannot render the answer\"}\n";
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, json, callback);
    }
}
