package io.isohost.descriptor.internal;

import io.isohost.descriptor.Allocation;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ComponentDescriptor.Replication;
import io.isohost.descriptor.ComponentDescriptor.Role;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.DescriptorProblem;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.FasterThan;
import io.isohost.descriptor.GeneratorChoice;
import io.isohost.descriptor.LoadBalancerDescriptor;
import io.isohost.descriptor.ReplicaSetup;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.descriptor.ServletDescriptor;
import io.isohost.descriptor.Sla;
import io.isohost.xml.XmlElement;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the model from a schema-valid tree and checks the rules a schema cannot express. Every
 * broken rule becomes a problem at the element that breaks it; reading goes on so that one pass
 * reports them all.
 */
public final class DescriptorReader {
    private final String source;
    private final Optional<Path> directory;
    private final List<DescriptorProblem> problems = new ArrayList<>();
    private final Map<String, XmlElement> componentNames = new HashMap<>();
    private final Map<String, String> patternOwners = new HashMap<>();

    public DescriptorReader(String source, Optional<Path> directory) {
        this.source = source;
        this.directory = directory;
    }

    public List<DescriptorProblem> problems() {
        return List.copyOf(problems);
    }

    /** The descriptor, or null when a rule is broken; {@link #problems()} then says which. */
    public ServiceDescriptor read(XmlElement root) {
        Map<String, ContainerShape> shapes = readShapes(root.child("shapes").orElseThrow());
        Allocation allocation = readAllocation(root.child("allocation").orElseThrow(), shapes);

        XmlElement componentsElement = root.child("components").orElseThrow();
        List<ComponentDescriptor> components = new ArrayList<>();
        List<EmbeddedComponentDescriptor> embedded = new ArrayList<>();
        LoadBalancerDescriptor loadBalancer = null;
        Map<ComponentDescriptor, XmlElement> componentElements = new HashMap<>();
        for (XmlElement e : componentsElement.children()) {
            claimName(e);
            switch (e.name()) {
                case "component" -> {
                    ComponentDescriptor c = readComponent(e, shapes);
                    components.add(c);
                    componentElements.put(c, e);
                }
                case "embedded-component" -> embedded.add(new EmbeddedComponentDescriptor(e.required("name"),
                        e.required("application-server"), servlets(e), consumes(e)));
                case "load-balancer" -> {
                    if (loadBalancer != null) {
                        problem(e, "a service has at most one load-balancer component; '" + loadBalancer.name()
                                + "' is already declared");
                    }
                    loadBalancer = new LoadBalancerDescriptor(e.required("name"), e.required("configuration-class"),
                            paths(e.children("artifact")));
                }
                default -> throw new IllegalStateException("the schema admits no element '" + e.name() + "' here");
            }
        }
        checkEmbedded(componentsElement, components, embedded);
        for (ComponentDescriptor c : components) {
            if (c.isApplicationServer() && c.entryClass().isEmpty() && c.servlets().isEmpty()
                    && embedded.stream().noneMatch(x -> x.applicationServer().equals(c.name()))) {
                problem(componentElements.get(c), "application server '" + c.name()
                        + "' hosts nothing: give it an entry class, a servlet or an embedded component");
            }
        }

        Set<String> placeable = new HashSet<>();
        components.forEach(c -> placeable.add(c.name()));
        embedded.forEach(x -> placeable.add(x.name()));
        List<Sla> slas = new ArrayList<>();
        List<FasterThan> fasterThan = new ArrayList<>();
        root.child("slas").ifPresent(s -> readSlas(s, placeable, slas, fasterThan));

        Optional<GeneratorChoice> generator = root.child("generator").map(this::readGenerator);
        if (!problems.isEmpty()) {
            return null;
        }
        return new ServiceDescriptor(root.required("name"), root.required("tenant"), shapes, allocation, components,
                embedded, Optional.ofNullable(loadBalancer), slas, fasterThan, generator, directory);
    }

    private Map<String, ContainerShape> readShapes(XmlElement shapesElement) {
        Map<String, ContainerShape> shapes = new LinkedHashMap<>();
        for (XmlElement s : shapesElement.children("shape")) {
            String name = s.required("name");
            Map<String, Double> rates = new LinkedHashMap<>();
            for (XmlElement r : s.children("rate")) {
                if (rates.put(r.required("resource"), Double.parseDouble(r.required("per-second"))) != null) {
                    problem(r, "shape '" + name + "' limits resource '" + r.required("resource") + "' twice");
                }
            }
            double cpuShare = s.attribute("cpu-share").map(Double::parseDouble).orElse(0.0);
            double cpuGuarantee = s.attribute("cpu-guarantee").map(Double::parseDouble).orElse(0.0);
            if (cpuShare > 0 && cpuGuarantee > cpuShare) {
                problem(s, "shape '" + name + "' guarantees more CPU (" + cpuGuarantee + ") than its share (" + cpuShare + ")");
            }
            ContainerShape shape = new ContainerShape(name, rates, cpuShare, cpuGuarantee,
                    s.attribute("max-concurrency").map(this::intValue).orElse(0),
                    s.attribute("memory").map(DescriptorReader::bytes).orElse(0L),
                    s.attribute("allocation-rate").map(DescriptorReader::bytes).orElse(0L));
            if (shapes.putIfAbsent(name, shape) != null) {
                problem(s, "shape '" + name + "' is defined twice");
            }
        }
        return shapes;
    }

    private Allocation readAllocation(XmlElement allocationElement, Map<String, ContainerShape> shapes) {
        List<Allocation.Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (XmlElement c : allocationElement.children("containers")) {
            String shapeName = c.required("shape");
            ContainerShape shape = shapes.get(shapeName);
            if (shape == null) {
                problem(c, "allocation names shape '" + shapeName + "', which is not defined; defined shapes: "
                        + String.join(", ", shapes.keySet()));
                continue;
            }
            if (!seen.add(shapeName)) {
                problem(c, "shape '" + shapeName + "' is allocated twice; give one count");
                continue;
            }
            entries.add(new Allocation.Entry(shape, intValue(c.required("count"))));
        }
        return new Allocation(entries);
    }

    private ComponentDescriptor readComponent(XmlElement e, Map<String, ContainerShape> shapes) {
        String name = e.required("name");
        Role role = e.attribute("role").orElse("plain").equals("application-server") ? Role.APPLICATION_SERVER : Role.PLAIN;
        Replication replication = Replication.valueOf(e.attribute("replication").orElse("free").toUpperCase(Locale.ROOT).replace('-', '_'));
        Optional<String> entryClass = e.child("entry-class").map(XmlElement::text);
        List<ServletDescriptor> servlets = servlets(e);
        if (role == Role.PLAIN && entryClass.isEmpty() && servlets.isEmpty()) {
            problem(e, "component '" + name + "' names neither an entry class nor a servlet");
        }
        Optional<ReplicaSetup> setup = e.child("replica-setup")
                .map(r -> new ReplicaSetup(resolve(r.required("tree")), r.required("configurator")));
        if (replication == Replication.CLUSTER_AWARE && setup.isEmpty()) {
            problem(e, "cluster-aware component '" + name
                    + "' needs a replica-setup (a tree and a configurator) so that each replica can join the others");
        }
        Optional<String> shape = e.attribute("shape");
        if (shape.isPresent() && replication != Replication.STATEFUL) {
            problem(e, "component '" + name + "' is replicable, so it runs in the allocated containers; only a "
                    + "stateful component takes a 'shape' for a container of its own");
        } else if (shape.isPresent() && !shapes.containsKey(shape.get())) {
            problem(e, "component '" + name + "' names shape '" + shape.get() + "', which is not defined; defined shapes: "
                    + String.join(", ", shapes.keySet()));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (XmlElement v : e.children("environment")) {
            if (environment.put(v.required("name"), v.required("value")) != null) {
                problem(v, "component '" + name + "' sets environment variable '" + v.required("name") + "' twice");
            }
        }
        return new ComponentDescriptor(name, e.attribute("kind").orElse("java"), role, replication, paths(e.children("artifact")),
                entryClass, servlets, e.children("argument").stream().map(XmlElement::text).toList(), environment,
                setup, consumes(e), shape);
    }

    private void checkEmbedded(XmlElement componentsElement, List<ComponentDescriptor> components,
                               List<EmbeddedComponentDescriptor> embedded) {
        for (XmlElement e : componentsElement.children("embedded-component")) {
            String host = e.required("application-server");
            Optional<ComponentDescriptor> server = components.stream().filter(c -> c.name().equals(host)).findFirst();
            if (server.isEmpty()) {
                problem(e, "embedded component '" + e.required("name") + "' names application server '" + host
                        + "', which is not a component of this service");
            } else if (!server.get().isApplicationServer()) {
                problem(e, "embedded component '" + e.required("name") + "' names component '" + host
                        + "', which is not an application server (give it role=\"application-server\")");
            }
        }
    }

    private void readSlas(XmlElement slasElement, Set<String> placeable, List<Sla> slas, List<FasterThan> fasterThan) {
        Set<String> withSla = new HashSet<>();
        Map<String, Set<String>> slowerThan = new HashMap<>();
        for (XmlElement s : slasElement.children()) {
            String component = s.required("component");
            if (!placeable.contains(component)) {
                problem(s, "SLA names component '" + component + "', which is not a component of this service");
                continue;
            }
            if (s.name().equals("sla")) {
                if (!withSla.add(component)) {
                    problem(s, "component '" + component + "' has a second SLA; merge them into one");
                    continue;
                }
                slas.add(new Sla(component, s.attribute("min-rate").map(Double::parseDouble),
                        s.duration("max-mean-response"),
                        s.duration("max-p99-response"),
                        s.attribute("priority").map(this::intValue).orElse(0)));
            } else {
                String than = s.required("than");
                if (!placeable.contains(than)) {
                    problem(s, "faster-than names component '" + than + "', which is not a component of this service");
                } else if (than.equals(component)) {
                    problem(s, "component '" + component + "' cannot be faster than itself");
                } else if (reaches(slowerThan, than, component)) {
                    problem(s, "'" + component + "' faster than '" + than + "' contradicts the faster-than rules before it");
                } else {
                    slowerThan.computeIfAbsent(component, k -> new HashSet<>()).add(than);
                    fasterThan.add(new FasterThan(component, than));
                }
            }
        }
    }

    /** Whether {@code from} is already declared faster than {@code to}, directly or through others. */
    private static boolean reaches(Map<String, Set<String>> slowerThan, String from, String to) {
        Set<String> seen = new HashSet<>();
        List<String> frontier = new ArrayList<>(List.of(from));
        while (!frontier.isEmpty()) {
            String next = frontier.removeLast();
            if (next.equals(to)) {
                return true;
            }
            if (seen.add(next)) {
                frontier.addAll(slowerThan.getOrDefault(next, Set.of()));
            }
        }
        return false;
    }

    private GeneratorChoice readGenerator(XmlElement g) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (XmlElement p : g.children("parameter")) {
            if (parameters.put(p.required("name"), p.required("value")) != null) {
                problem(p, "generator parameter '" + p.required("name") + "' is given twice");
            }
        }
        return new GeneratorChoice(g.required("name"), parameters);
    }

    private void claimName(XmlElement e) {
        String name = e.required("name");
        XmlElement first = componentNames.putIfAbsent(name, e);
        if (first != null) {
            problem(e, "component name '" + name + "' is already used at line " + first.line());
        }
    }

    private List<ServletDescriptor> servlets(XmlElement e) {
        // one URL pattern, one servlet: a second would make its container refuse the component at deployment
        for (XmlElement s : e.children("servlet")) {
            for (XmlElement p : s.children("url-pattern")) {
                String owner = patternOwners.putIfAbsent(p.text(), e.required("name"));
                if (owner != null) {
                    problem(p, "URL pattern '" + p.text() + "' is already claimed by component '" + owner + "'");
                }
            }
        }
        return e.children("servlet").stream()
                .map(s -> new ServletDescriptor(s.attribute("name").orElse(null), s.required("class"),
                        s.children("url-pattern").stream().map(XmlElement::text).toList()))
                .toList();
    }

    private static Map<String, Double> consumes(XmlElement e) {
        Map<String, Double> consumes = new LinkedHashMap<>();
        for (XmlElement c : e.children("consumes")) {
            consumes.merge(c.required("resource"), Double.parseDouble(c.attribute("per-request").orElse("1")), Double::sum);
        }
        return consumes;
    }

    private List<Path> paths(List<XmlElement> elements) {
        return elements.stream().map(a -> resolve(a.text())).toList();
    }

    private Path resolve(String path) {
        Path p = Path.of(path);
        return directory.filter(d -> !p.isAbsolute()).map(d -> d.resolve(p).normalize()).orElse(p);
    }

    private int intValue(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            // the schema admits positiveInteger beyond int
            return Integer.MAX_VALUE;
        }
    }

    private static long bytes(String text) {
        char unit = text.charAt(text.length() - 1);
        long factor = switch (unit) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = factor == 1 ? text : text.substring(0, text.length() - 1);
        return Long.parseLong(digits) * factor;
    }

    private void problem(XmlElement at, String message) {
        problems.add(new DescriptorProblem(source, at.line(), at.column(), message));
    }
}
