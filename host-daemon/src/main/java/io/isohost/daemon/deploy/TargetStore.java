package io.isohost.daemon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.RateSpec;
import io.isohost.container.ServletMapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the target being applied in {@code DATA/deployment/target.json}, written atomically
 * (write, fsync, rename) before the host changes, so a crash leaves either the old or the new one;
 * operators' quotas beside it in {@code operator.json}, written the same way.
 */
public final class TargetStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path operatorFile;
    private final Set<String> everManaged = new TreeSet<>();

    public TargetStore(Path dataDirectory) {
        this.file = dataDirectory.resolve("deployment").resolve("target.json");
        this.operatorFile = file.resolveSibling("operator.json");
    }

    public synchronized void save(DeploymentTarget target) throws IOException {
        target.containers().forEach(c -> everManaged.add(c.name()));
        ObjectNode root = json(target);
        ArrayNode managed = root.putArray("managed");
        everManaged.forEach(managed::add);
        write(file, root);
    }

    synchronized void saveOperatorQuotas(OperatorQuotas quotas) throws IOException {
        write(operatorFile, quotas.json());
    }

    synchronized OperatorQuotas loadOperatorQuotas() throws IOException {
        return Files.exists(operatorFile) ? OperatorQuotas.of(JSON.readTree(operatorFile.toFile())) : new OperatorQuotas();
    }

    private static void write(Path file, ObjectNode root) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A target in the JSON shape of {@code target.json} and the admin API. */
    public static ObjectNode json(DeploymentTarget target) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", target.version());
        ArrayNode containers = root.putArray("containers");
        for (ContainerTarget c : target.containers()) {
            ObjectNode n = containers.addObject();
            n.put("name", c.name());
            n.put("service", c.service());
            n.set("policies", policies(c.policies()));
            ArrayNode comps = n.putArray("components");
            c.components().forEach(s -> comps.add(spec(s)));
        }
        return root;
    }


    public synchronized Optional<DeploymentTarget> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(file.toFile());
        root.path("managed").forEach(n -> everManaged.add(n.asText()));
        return Optional.of(target(root));
    }

    /** Reads a target in the JSON shape of {@code target.json} and {@code PUT /api/deployment}. */
    public static DeploymentTarget target(JsonNode root) {
        List<ContainerTarget> containers = new ArrayList<>();
        for (JsonNode n : root.path("containers")) {
            List<ComponentSpec> comps = new ArrayList<>();
            n.path("components").forEach(c -> comps.add(spec(c)));
            containers.add(new ContainerTarget(n.path("name").asText(), n.path("service").asText(),
                    policies(n.path("policies")), comps));
        }
        return new DeploymentTarget(root.path("version").asLong(), containers);
    }

    synchronized boolean everManaged(String container) {
        return everManaged.contains(container);
    }

    static ObjectNode policies(ContainerPolicies p) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode rates = n.putObject("rates");
        p.rates().forEach((r, spec) -> rates.putObject(r).put("perSecond", spec.perSecond()).put("burst", spec.burst())
                .put("maxWaitMillis", spec.maxWait().toMillis()));
        n.put("cpuShare", p.cpuShare());
        n.put("cpuGuarantee", p.cpuGuarantee());
        n.put("maxConcurrency", p.maxConcurrency());
        n.put("allocationBytesPerSecond", p.allocationBytesPerSecond());
        return n;
    }

    public static ContainerPolicies policies(JsonNode n) {
        object(n, "policies");
        object(n.path("rates"), "rates");
        Map<String, RateSpec> rates = new LinkedHashMap<>();
        n.path("rates").properties().forEach(e -> {
            JsonNode r = e.getValue();
            if (!r.isNumber()) {
                object(r, "rate of " + e.getKey());
            }
            rates.put(e.getKey(), r.isNumber() ? RateSpec.of(r.asDouble())
                    : new RateSpec(number(r, "perSecond", 0), number(r, "burst", 1),
                            Duration.ofMillis(whole(r, "maxWaitMillis", 5000, Long.MAX_VALUE))));
        });
        return new ContainerPolicies(rates, number(n, "cpuShare", 0), number(n, "cpuGuarantee", 0),
                (int) whole(n, "maxConcurrency", 0, Integer.MAX_VALUE), whole(n, "allocationBytesPerSecond", 0, Long.MAX_VALUE));
    }

    // policies are read strictly: a value of the wrong type is refused, not coerced or ignored

    private static void object(JsonNode n, String what) {
        if (!n.isMissingNode() && !n.isNull() && !n.isObject()) {
            throw new IllegalArgumentException("\"" + what + "\" must be an object, not " + n.getNodeType().name().toLowerCase());
        }
    }

    private static double number(JsonNode n, String field, double absent) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return absent;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number, not " + v.getNodeType().name().toLowerCase());
        }
        return v.asDouble();
    }

    private static long whole(JsonNode n, String field, long absent, long max) {
        double v = number(n, field, absent);
        if (v != Math.rint(v) || Math.abs(v) > max) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number, not " + v);
        }
        return (long) v;
    }

    static ObjectNode spec(ComponentSpec s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        n.put("kind", s.kind());
        ArrayNode artifacts = n.putArray("artifacts");
        s.artifacts().forEach(a -> artifacts.add(a.toString()));
        s.entryClass().ifPresent(e -> n.put("entryClass", e));
        ArrayNode servlets = n.putArray("servlets");
        for (ServletMapping m : s.servlets()) {
            ObjectNode sm = servlets.addObject();
            sm.put("name", m.name());
            sm.put("className", m.className());
            ArrayNode patterns = sm.putArray("urlPatterns");
            m.urlPatterns().forEach(patterns::add);
        }
        ArrayNode args = n.putArray("arguments");
        s.arguments().forEach(args::add);
        ObjectNode env = n.putObject("environment");
        s.environment().forEach(env::put);
        s.replication().ifPresent(r -> n.putObject("replication").put("tree", r.tree().toString())
                .put("configuratorClass", r.configuratorClass()).put("ports", s.replicaPorts()));
        n.put("stopTimeoutMillis", s.stopTimeout().toMillis());
        s.directory().ifPresent(d -> n.put("directory", d.toString()));
        return n;
    }

    /** The fields of a component in that shape, the ones {@link #spec} reads. */
    public static final String[] COMPONENT_FIELDS = {"name", "kind", "artifacts", "entryClass", "servlets",
            "arguments", "environment", "replication", "stopTimeoutMillis", "directory"};

    /** Reads a component in the JSON shape the admin API and the store share. */
    public static ComponentSpec spec(JsonNode n) {
        var b = ComponentSpec.builder(n.path("name").asText()).kind(n.path("kind").asText("java"));
        List<Path> artifacts = new ArrayList<>();
        n.path("artifacts").forEach(a -> artifacts.add(Path.of(a.asText())));
        b.artifacts(artifacts);
        if (n.hasNonNull("entryClass")) {
            b.entryClass(n.get("entryClass").asText());
        }
        List<ServletMapping> servlets = new ArrayList<>();
        for (JsonNode sm : n.path("servlets")) {
            List<String> patterns = new ArrayList<>();
            sm.path("urlPatterns").forEach(p -> patterns.add(p.asText()));
            servlets.add(new ServletMapping(sm.path("name").asText(null), sm.path("className").asText(), patterns));
        }
        b.servlets(servlets);
        List<String> args = new ArrayList<>();
        n.path("arguments").forEach(a -> args.add(a.asText()));
        b.arguments(args.toArray(String[]::new));
        Map<String, String> env = new LinkedHashMap<>();
        n.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        b.environment(env);
        JsonNode r = n.path("replication");
        if (!r.isMissingNode()) {
            b.replication(Path.of(r.path("tree").asText()), r.path("configuratorClass").asText(null), r.path("ports").asInt());
        }
        b.stopTimeout(Duration.ofMillis(n.path("stopTimeoutMillis").asLong(5000)));
        if (n.hasNonNull("directory")) {
            b.directory(Path.of(n.get("directory").asText()));
        }
        return b.build();
    }
}
