package io.isohost.deploy.internal;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.HostedComponent;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;
import io.isohost.xml.XmlProblem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads a hand-written deployment map and checks it against the service it deploys. */
public final class DeploymentFileReader {
    public static final String NAMESPACE = "urn:isohost:deployment:1";
    private static final XmlConfigReader READER = XmlConfigReader.forSchema(
            DeploymentFileReader.class.getResource("/io/isohost/deploy/deployment-1.xsd"), NAMESPACE, "deployment");

    private DeploymentFileReader() {
    }

    public static Deployment read(Path file, ServiceDescriptor service) {
        XmlElement root;
        try {
            root = READER.read(file);
        } catch (XmlConfigException e) {
            throw new GeneratorException("the deployment map is not valid:\n" + e.getMessage());
        }
        List<XmlProblem> problems = new ArrayList<>();
        List<ContainerPlan> containers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, String> statefulAt = new HashMap<>();
        for (XmlElement c : root.children("container")) {
            String id = c.required("id");
            if (!ids.add(id)) {
                problems.add(c.problem("container '" + id + "' appears twice"));
            }
            ContainerShape shape = service.shapes().get(c.required("shape"));
            if (shape == null) {
                problems.add(c.problem("shape '" + c.required("shape") + "' is not defined by service '"
                        + service.name() + "'; defined shapes: " + String.join(", ", service.shapes().keySet())));
            }
            List<HostedComponent> hosted = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (XmlElement h : c.children("component")) {
                hosted(service, id, h, statefulAt, problems).ifPresent(x -> {
                    if (names.add(x.component())) {
                        hosted.add(x);
                    } else {
                        problems.add(h.problem("container '" + id + "' hosts '" + x.component() + "' twice"));
                    }
                });
            }
            if (shape != null) {
                containers.add(new ContainerPlan(id, shape, hosted));
            }
        }
        if (!problems.isEmpty()) {
            throw new GeneratorException("the deployment map is not valid:\n"
                    + problems.stream().map(XmlProblem::toString).collect(Collectors.joining("\n")));
        }
        return new Deployment(service.name(), containers);
    }

    private static Optional<HostedComponent> hosted(ServiceDescriptor service, String container,
                                                    XmlElement h, Map<String, String> statefulAt,
                                                    List<XmlProblem> problems) {
        String name = h.required("name");
        Optional<ComponentDescriptor> component = service.component(name);
        if (component.isEmpty()) {
            problems.add(h.problem("component '" + name + "' is not a component of service '" + service.name() + "'"));
            return Optional.empty();
        }
        if (!component.get().replication().replicable()) {
            String first = statefulAt.putIfAbsent(name, container);
            if (first != null) {
                problems.add(h.problem("stateful component '" + name + "' is already placed in container '" + first + "'"));
            }
        }
        Set<String> allowed = new HashSet<>();
        service.embeddedIn(name).stream().map(EmbeddedComponentDescriptor::name).forEach(allowed::add);
        List<XmlElement> embedded = h.children("embedded");
        if (embedded.isEmpty()) {
            return Optional.of(HostedComponent.of(name, allowed));
        }
        List<String> chosen = new ArrayList<>();
        for (XmlElement e : embedded) {
            if (allowed.contains(e.required("name"))) {
                chosen.add(e.required("name"));
            } else {
                problems.add(e.problem("'" + e.required("name") + "' is not an embedded component of '" + name + "'"));
            }
        }
        return Optional.of(HostedComponent.of(name, chosen));
    }
}
