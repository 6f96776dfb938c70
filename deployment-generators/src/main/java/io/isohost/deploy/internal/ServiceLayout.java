package io.isohost.deploy.internal;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.HostedComponent;
import io.isohost.deploy.PerformanceData;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every built-in generator agrees on: container ids, where stateful components go, what a unit of placement is. */
public final class ServiceLayout {

    /**
     * A thing placed on its own: an embedded component (hosted by its application server), or a
     * replicable component with no embedded components (hosted by itself).
     */
    public record Unit(String name, String host) {
    }

    private ServiceLayout() {
    }

    /** The id of allocated container {@code index} (1-based): {@code rubis-3}. */
    public static String allocatedId(ServiceDescriptor service, int index) {
        return service.name() + "-" + index;
    }

    /**
     * One container per stateful component, named {@code service-component}, outside the allocation.
     * Component names start with a letter, so these ids never collide with allocated ones.
     */
    public static List<ContainerPlan> dedicatedContainers(ServiceDescriptor service) {
        List<ContainerPlan> plans = new ArrayList<>();
        for (ComponentDescriptor c : service.components()) {
            if (!c.replication().replicable()) {
                ContainerShape shape = c.shape().map(service.shapes()::get).orElseGet(() -> defaultShape(service));
                plans.add(new ContainerPlan(service.name() + "-" + c.name(), shape, List.of(withAllEmbedded(service, c))));
            }
        }
        return plans;
    }

    /** Every replicable component, each application server with all its embedded components: one full replica. */
    public static List<HostedComponent> fullReplica(ServiceDescriptor service) {
        return service.components().stream().filter(c -> c.replication().replicable())
                .map(c -> withAllEmbedded(service, c)).toList();
    }

    public static List<Unit> units(ServiceDescriptor service) {
        List<Unit> units = new ArrayList<>();
        for (ComponentDescriptor c : service.components()) {
            if (!c.replication().replicable()) {
                continue;
            }
            List<EmbeddedComponentDescriptor> embedded = service.embeddedIn(c.name());
            if (embedded.isEmpty()) {
                units.add(new Unit(c.name(), c.name()));
            } else {
                embedded.forEach(e -> units.add(new Unit(e.name(), c.name())));
            }
        }
        return units;
    }

    /** The component instances that host {@code units}: each host once, with the embedded units among them. */
    public static List<HostedComponent> hosting(Collection<Unit> units) {
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        for (Unit u : units) {
            List<String> embedded = byHost.computeIfAbsent(u.host(), k -> new ArrayList<>());
            if (!u.name().equals(u.host())) {
                embedded.add(u.name());
            }
        }
        return byHost.entrySet().stream().map(e -> HostedComponent.of(e.getKey(), e.getValue())).toList();
    }

    /** Requests per second to a unit; an application server measured only as a whole counts for its units evenly. */
    public static double rate(PerformanceData performance, ServiceDescriptor service, Unit unit) {
        if (performance.components().containsKey(unit.name())) {
            return performance.component(unit.name()).requestRate();
        }
        if (!unit.name().equals(unit.host()) && performance.components().containsKey(unit.host())) {
            return performance.component(unit.host()).requestRate() / service.embeddedIn(unit.host()).size();
        }
        return 0;
    }

    /** The mean response time of a unit, or zero when it was not measured. */
    public static Duration meanResponse(PerformanceData performance, Unit unit) {
        String measured = performance.components().containsKey(unit.name()) ? unit.name() : unit.host();
        return performance.component(measured).meanResponse();
    }

    private static HostedComponent withAllEmbedded(ServiceDescriptor service, ComponentDescriptor c) {
        return HostedComponent.of(c.name(), service.embeddedIn(c.name()).stream().map(EmbeddedComponentDescriptor::name).toList());
    }

    private static ContainerShape defaultShape(ServiceDescriptor service) {
        return service.allocation().entries().isEmpty()
                ? service.shapes().values().iterator().next()
                : service.allocation().entries().getFirst().shape();
    }
}
