package io.isohost.daemon.internal;

import io.isohost.container.ContainerPolicies;
import io.isohost.container.ContainerStatus;
import io.isohost.container.ServiceContainer;
import io.isohost.daemon.Daemon;

import java.util.List;
import java.util.Map;

/** The JSON shapes of the admin API. */
final class StatusView {
    private StatusView() {
    }

    record Host(String admin, String jmx, String dataDirectory, int cores, List<Service> services,
                List<ContainerStatus> containers) {
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
                d.containers().containers().stream().map(ServiceContainer::status).toList());
    }

    static ContainerStatus container(ServiceContainer c) {
        return c.status();
    }

    record Policies(Map<String, Double> rates, double cpuShare, double cpuGuarantee, int maxConcurrency,
                    long allocationBytesPerSecond) {
    }

    static Policies policies(ContainerPolicies p) {
        Map<String, Double> rates = new java.util.TreeMap<>();
        p.rates().forEach((k, v) -> rates.put(k, v.perSecond()));
        return new Policies(rates, p.cpuShare(), p.cpuGuarantee(), p.maxConcurrency(), p.allocationBytesPerSecond());
    }
}
