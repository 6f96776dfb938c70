package io.isohost.daemon.internal;

import io.isohost.container.ContainerPolicies;
import io.isohost.container.ContainerStatus;
import io.isohost.container.ServiceContainer;
import io.isohost.container.Quota;
import io.isohost.daemon.Daemon;
import io.isohost.daemon.deploy.DeploymentManager;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The JSON shapes of the admin API. */
final class StatusView {
    private StatusView() {
    }

    record Host(String admin, String jmx, String dataDirectory, int cores, List<Service> services,
                List<Container> containers) {
    }

    /** A container's status with where each of its quotas comes from. */
    record Container(@JsonUnwrapped ContainerStatus status, List<QuotaValue> quotas) {
    }

    /**
     * One quota in force (or removed by an operator, value 0).
     *
     * @param source {@code descriptor} (its service's descriptor), {@code operator} (set by the CLI, the
     *               admin API or JMX, kept until changed again) or {@code host} (a container made by hand or the host's own)
     */
    record QuotaValue(String quota, double value, String source) {
    }

    record Service(String name, String tenant, String generator, int allocation, List<String> containers) {
    }

    static Host of(Daemon d) {
        List<Service> services = d.services() == null ? List.of() : d.services().list().stream()
                .map(s -> new Service(s.descriptor().name(), s.descriptor().tenant(), s.generatorName(),
                        s.descriptor().allocation().total(),
                        s.deployment().containers().stream().map(c -> c.id()).toList()))
                .toList();
        return new Host(d.adminUri().toString(), d.jmxUrl(), d.settings().dataDirectory().toAbsolutePath().toString(),
                d.containers().cpu().cores(), services,
                d.containers().containers().stream().map(c -> container(c, d.deployments())).toList());
    }

    static Container container(ServiceContainer c, DeploymentManager deployments) {
        return new Container(c.status(), quotas(c, deployments));
    }

    /** The quotas of a container with their sources; operators' removals (value 0) are listed too. */
    static List<QuotaValue> quotas(ServiceContainer c, DeploymentManager deployments) {
        ContainerPolicies p = c.policies();
        Set<String> byOperator = deployments.operatorQuotas(c.name());
        String otherwise = deployments.current().byName().containsKey(c.name()) ? "descriptor" : "host";
        Map<String, Double> values = new LinkedHashMap<>();
        new TreeMap<>(p.rates()).forEach((r, spec) -> values.put(DeploymentManager.quotaKey(new Quota.Rate(r, 1)), spec.perSecond()));
        values.put(DeploymentManager.quotaKey(new Quota.CpuShare(0)), p.cpuShare());
        values.put("cpuGuarantee", p.cpuGuarantee());
        values.put(DeploymentManager.quotaKey(new Quota.MaxConcurrency(0)), (double) p.maxConcurrency());
        values.put("allocationBytesPerSecond", (double) p.allocationBytesPerSecond());
        byOperator.forEach(k -> values.putIfAbsent(k, 0.0));
        List<QuotaValue> out = new ArrayList<>();
        values.forEach((key, value) -> {
            boolean operator = byOperator.contains(key);
            if (value != 0 || operator) {
                out.add(new QuotaValue(key, value, operator ? "operator" : otherwise));
            }
        });
        return out;
    }

    record Policies(Map<String, Double> rates, double cpuShare, double cpuGuarantee, int maxConcurrency,
                    long allocationBytesPerSecond, List<QuotaValue> sources) {
    }

    static Policies policies(ServiceContainer c, DeploymentManager deployments) {
        ContainerPolicies p = c.policies();
        Map<String, Double> rates = new TreeMap<>();
        p.rates().forEach((k, v) -> rates.put(k, v.perSecond()));
        return new Policies(rates, p.cpuShare(), p.cpuGuarantee(), p.maxConcurrency(), p.allocationBytesPerSecond(),
                quotas(c, deployments));
    }
}
