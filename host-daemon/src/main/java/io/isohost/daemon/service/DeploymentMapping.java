package io.isohost.daemon.service;

import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.ServletMapping;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.HostedComponent;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.descriptor.ServletDescriptor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a generator's {@link Deployment} into what the deployment manager applies: container
 * shapes become policies; an application-server instance carries its own servlets plus those of
 * the embedded components placed with it.
 */
final class DeploymentMapping {
    private DeploymentMapping() {
    }

    static List<ContainerTarget> targets(ServiceDescriptor service, Deployment deployment) {
        List<ContainerTarget> out = new ArrayList<>();
        for (ContainerPlan plan : deployment.containers()) {
            List<ComponentSpec> specs = new ArrayList<>();
            for (HostedComponent hosted : plan.components()) {
                ComponentDescriptor c = service.component(hosted.component()).orElseThrow(() -> new IllegalStateException(
                        "deployment of '" + service.name() + "' places unknown component '" + hosted.component() + "'"));
                specs.add(spec(service, c, hosted, plan.id()));
            }
            out.add(new ContainerTarget(plan.id(), service.name(), policies(plan.shape()), specs));
        }
        return out;
    }

    /**
     * The deployment that maps to {@code saved} (a service's containers in the target a previous run
     * applied), if the service's descriptor still describes it exactly: this is how a restart takes
     * up the last deployment without asking the generator again.
     */
    static Optional<Deployment> fromTargets(ServiceDescriptor service, List<ContainerTarget> saved) {
        List<ContainerPlan> plans = new ArrayList<>();
        for (ContainerTarget t : saved) {
            Optional<ContainerShape> shape = shapeOf(service, t);
            if (shape.isEmpty()) {
                return Optional.empty();
            }
            List<HostedComponent> hosted = new ArrayList<>();
            for (ComponentSpec spec : t.components()) {
                Set<String> servlets = new HashSet<>();
                spec.servlets().forEach(m -> servlets.add(m.name()));
                List<String> embedded = service.embeddedIn(spec.name()).stream()
                        .filter(e -> !e.servlets().isEmpty() && e.servlets().stream().allMatch(sv -> servlets.contains(mapping(sv).name())))
                        .map(EmbeddedComponentDescriptor::name).toList();
                hosted.add(HostedComponent.of(spec.name(), embedded));
            }
            plans.add(new ContainerPlan(t.name(), shape.get(), hosted));
        }
        try {
            Deployment d = new Deployment(service.name(), plans);
            return byName(targets(service, d)).equals(byName(saved)) ? Optional.of(d) : Optional.empty();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.empty(); // the descriptor no longer has what the saved target ran
        }
    }

    /** The descriptor's shape a saved container was made from: its slot's, its component's, or any with its policies. */
    private static Optional<ContainerShape> shapeOf(ServiceDescriptor service, ContainerTarget t) {
        List<ContainerShape> candidates = new ArrayList<>();
        List<ContainerShape> slots = service.allocation().slots();
        for (int i = 0; i < slots.size(); i++) {
            if (t.name().equals(service.name() + "-" + (i + 1))) {
                candidates.add(slots.get(i));
            }
        }
        service.components().forEach(c -> c.shape().filter(x -> t.name().equals(service.name() + "-" + c.name()))
                .map(service.shapes()::get).ifPresent(candidates::add));
        candidates.addAll(service.shapes().values());
        return candidates.stream().filter(sh -> policies(sh).equals(t.policies())).findFirst();
    }

    private static Map<String, ContainerTarget> byName(List<ContainerTarget> targets) {
        Map<String, ContainerTarget> m = new TreeMap<>();
        targets.forEach(t -> m.put(t.name(), t));
        return m;
    }

    static ContainerPolicies policies(ContainerShape shape) {
        var b = ContainerPolicies.builder();
        shape.rates().forEach(b::rate);
        return b.cpuShare(shape.cpuShare()).cpuGuarantee(shape.cpuGuarantee()).maxConcurrency(shape.maxConcurrency())
                .allocationBytesPerSecond(shape.allocationBytesPerSecond()).build();
    }

    /**
     * A component's directory, under its service's: a stateful component's is one, wherever it is
     * placed; each replica of a replicable one has its own, keyed by its container, so that a
     * replica placed again in a container of the same name finds its files.
     */
    static java.nio.file.Path directory(String service, ComponentDescriptor c, String container) {
        java.nio.file.Path own = ServiceStore.dataDirectory(service);
        return c.replication().replicable() ? own.resolve("replicas").resolve(container).resolve(c.name())
                : own.resolve("components").resolve(c.name());
    }

    private static ComponentSpec spec(ServiceDescriptor service, ComponentDescriptor c, HostedComponent hosted, String container) {
        List<ServletMapping> servlets = new ArrayList<>();
        c.servlets().forEach(s -> servlets.add(mapping(s)));
        for (EmbeddedComponentDescriptor e : service.embeddedIn(c.name())) {
            if (hosted.embedded().contains(e.name())) {
                e.servlets().forEach(s -> servlets.add(mapping(s)));
            }
        }
        var b = ComponentSpec.builder(c.name()).kind(c.kind()).artifacts(c.artifacts()).servlets(servlets)
                .arguments(c.arguments().toArray(String[]::new)).environment(c.environment())
                .directory(directory(service.name(), c, container));
        c.entryClass().ifPresent(b::entryClass);
        c.replicaSetup().ifPresent(r -> b.replication(r.tree(), r.configuratorClass(), 1));
        return b.build();
    }

    private static ServletMapping mapping(ServletDescriptor s) {
        return new ServletMapping(s.name(), s.className(), s.urlPatterns());
    }
}
