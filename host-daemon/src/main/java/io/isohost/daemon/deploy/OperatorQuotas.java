package io.isohost.daemon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.Quota;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quotas operators set on deployed containers (CLI, admin API, JMX): part of the desired state,
 * laid over the descriptor's values on every apply and kept in {@code DATA/deployment/operator.json}
 * until changed again or until the container leaves the deployment. Not thread-safe: the deployment
 * manager guards it.
 */
final class OperatorQuotas {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** container → quota key ({@code rate:RESOURCE}, {@code cpuShare}, {@code maxConcurrency}) → the operator's quota */
    private final Map<String, Map<String, Quota>> byContainer = new TreeMap<>();

    static String key(Quota q) {
        return switch (q) {
            case Quota.Rate r -> "rate:" + r.resource();
            case Quota.CpuShare s -> "cpuShare";
            case Quota.MaxConcurrency m -> "maxConcurrency";
        };
    }

    void set(String container, Quota q) {
        byContainer.computeIfAbsent(container, k -> new LinkedHashMap<>()).put(key(q), q);
    }

    /** {@code base} (the descriptor's policies) with the operator's quotas on top. */
    ContainerPolicies over(String container, ContainerPolicies base) {
        ContainerPolicies p = base;
        for (Quota q : byContainer.getOrDefault(container, Map.of()).values()) {
            p = q.applyTo(p);
        }
        return p;
    }

    /** The keys of the quotas an operator set on {@code container}. */
    Set<String> keys(String container) {
        return Set.copyOf(byContainer.getOrDefault(container, Map.of()).keySet());
    }

    /** Forgets the quotas of containers not in {@code kept}; true if any was forgotten. */
    boolean retainOnly(Set<String> kept) {
        return byContainer.keySet().retainAll(kept);
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode containers = root.putObject("containers");
        byContainer.forEach((name, quotas) -> {
            ObjectNode n = containers.putObject(name);
            for (Quota q : quotas.values()) {
                switch (q) {
                    case Quota.Rate r -> n.withObjectProperty("rates").put(r.resource(), r.perSecond());
                    case Quota.CpuShare s -> n.put("cpuShare", s.fraction());
                    case Quota.MaxConcurrency m -> n.put("maxConcurrency", m.max());
                }
            }
        });
        return root;
    }

    static OperatorQuotas of(JsonNode root) {
        OperatorQuotas q = new OperatorQuotas();
        root.path("containers").properties().forEach(e -> {
            JsonNode n = e.getValue();
            n.path("rates").properties().forEach(r -> q.set(e.getKey(), new Quota.Rate(r.getKey(), r.getValue().asDouble())));
            if (n.has("cpuShare")) {
                q.set(e.getKey(), new Quota.CpuShare(n.get("cpuShare").asDouble()));
            }
            if (n.has("maxConcurrency")) {
                q.set(e.getKey(), new Quota.MaxConcurrency(n.get("maxConcurrency").asInt()));
            }
        });
        return q;
    }
}
