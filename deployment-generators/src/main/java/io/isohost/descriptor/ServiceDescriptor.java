package io.isohost.descriptor;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated service descriptor. Names in it refer to each other consistently: every
 * embedded component's application server exists, every SLA's component exists, every shape used
 * is defined.
 *
 * @param name                the service's name, a prefix of its containers' names
 * @param tenant              who owns it
 * @param shapes              container shapes by name, in document order
 * @param allocation          the containers the service may use for its replicable components
 * @param components          its components, in document order
 * @param embeddedComponents  components hosted inside application-server components
 * @param loadBalancer        its load-balancer component, if it has one
 * @param slas                per-component SLAs
 * @param fasterThan          relative SLAs
 * @param generator           the generator it asks for, if any
 * @param directory           the directory relative paths were resolved against, when read from a file
 */
public record ServiceDescriptor(String name, String tenant, Map<String, ContainerShape> shapes, Allocation allocation,
                                List<ComponentDescriptor> components,
                                List<EmbeddedComponentDescriptor> embeddedComponents,
                                Optional<LoadBalancerDescriptor> loadBalancer, List<Sla> slas,
                                List<FasterThan> fasterThan, Optional<GeneratorChoice> generator,
                                Optional<Path> directory) {

    public ServiceDescriptor {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        components = List.copyOf(components);
        embeddedComponents = List.copyOf(embeddedComponents);
        slas = List.copyOf(slas);
        fasterThan = List.copyOf(fasterThan);
    }

    public Optional<ComponentDescriptor> component(String componentName) {
        return components.stream().filter(c -> c.name().equals(componentName)).findFirst();
    }

    /** The embedded components an application-server component hosts, in document order. */
    public List<EmbeddedComponentDescriptor> embeddedIn(String applicationServer) {
        return embeddedComponents.stream().filter(e -> e.applicationServer().equals(applicationServer)).toList();
    }

    /** The SLA on a component or embedded component, if there is one. */
    public Optional<Sla> sla(String componentName) {
        return slas.stream().filter(s -> s.component().equals(componentName)).findFirst();
    }

    /** Every jar or class directory the service's code comes from: its components' and its load balancer's. */
    public java.util.Set<Path> artifacts() {
        java.util.Set<Path> all = new java.util.LinkedHashSet<>();
        components.forEach(c -> all.addAll(c.artifacts()));
        loadBalancer.ifPresent(lb -> all.addAll(lb.artifacts()));
        return all;
    }

    /** The directory trees replicas are cloned from. */
    public java.util.Set<Path> replicaTrees() {
        java.util.Set<Path> all = new java.util.LinkedHashSet<>();
        components.forEach(c -> c.replicaSetup().ifPresent(r -> all.add(r.tree())));
        return all;
    }

    /** Every URL pattern the service's servlets claim, each with the component that claims it. */
    public Map<String, String> urlPatterns() {
        Map<String, String> patterns = new LinkedHashMap<>();
        components.forEach(c -> c.servlets().forEach(s -> s.urlPatterns().forEach(p -> patterns.putIfAbsent(p, c.name()))));
        embeddedComponents.forEach(e -> e.servlets().forEach(s -> s.urlPatterns().forEach(p -> patterns.putIfAbsent(p, e.name()))));
        return patterns;
    }

    /**
     * The same service with every artifact and replica tree path replaced by {@code map}'s, as when
     * the host keeps its own copies of them.
     */
    public ServiceDescriptor withPaths(java.util.function.UnaryOperator<Path> map) {
        List<ComponentDescriptor> mapped = components.stream().map(c -> new ComponentDescriptor(c.name(), c.kind(), c.role(),
                c.replication(), c.artifacts().stream().map(map).toList(), c.entryClass(), c.servlets(), c.arguments(),
                c.environment(), c.replicaSetup().map(r -> new ReplicaSetup(map.apply(r.tree()), r.configuratorClass())),
                c.consumes(), c.shape())).toList();
        Optional<LoadBalancerDescriptor> lb = loadBalancer.map(l -> new LoadBalancerDescriptor(l.name(), l.configurationClass(),
                l.artifacts().stream().map(map).toList()));
        return new ServiceDescriptor(name, tenant, shapes, allocation, mapped, embeddedComponents, lb, slas, fasterThan,
                generator, directory);
    }

    /** The same service with another allocation, as when the operator changes it. */
    public ServiceDescriptor withAllocation(Allocation newAllocation) {
        return new ServiceDescriptor(name, tenant, shapes, newAllocation, components, embeddedComponents,
                loadBalancer, slas, fasterThan, generator, directory);
    }
}
