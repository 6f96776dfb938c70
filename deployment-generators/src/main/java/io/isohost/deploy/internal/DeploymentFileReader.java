package io.isohost.deploy.internal;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.HostedComponent;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.DescriptorProblem;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.descriptor.internal.ValidatingReader;
import io.isohost.descriptor.internal.XmlElement;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
    private static final ValidatingReader READER =
            new ValidatingReader("/io/isohost/deploy/deployment-1.xsd", NAMESPACE, "deployment");

    private DeploymentFileReader() {
    }

    public static Deployment read(Path file, ServiceDescriptor service) {
        String source = file.toString();
        ValidatingReader.Result result;
        try (InputStream in = Files.newInputStream(file)) {
            result = READER.read(in, source);
        } catch (IOException e) {
            throw new GeneratorException("cannot read the deployment map " + file + ": " + e);
        }
        List<DescriptorProblem> problems = new ArrayList<>(result.problems());
        List<ContainerPlan> containers = new ArrayList<>();
        if (result.valid()) {
            Set<String> ids = new HashSet<>();
            Map<String, String> statefulAt = new HashMap<>();
            for (XmlElement c : result.root().children("container")) {
                String id = c.required("id");
                if (!ids.add(id)) {
                    problems.add(at(source, c, "container '" + id + "' appears twice"));
                }
                ContainerShape shape = service.shapes().get(c.required("shape"));
                if (shape == null) {
                    problems.add(at(source, c, "shape '" + c.required("shape") + "' is not defined by service '"
                            + service.name() + "'; defined shapes: " + String.join(", ", service.shapes().keySet())));
                }
                List<HostedComponent> hosted = new ArrayList<>();
                Set<String> names = new HashSet<>();
                for (XmlElement h : c.children("component")) {
                    hosted(source, service, id, h, statefulAt, problems).ifPresent(x -> {
                        if (names.add(x.component())) {
                            hosted.add(x);
                        } else {
                            problems.add(at(source, h, "container '" + id + "' hosts '" + x.component() + "' twice"));
                        }
                    });
                }
                if (shape != null) {
                    containers.add(new ContainerPlan(id, shape, hosted));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new GeneratorException("the deployment map is not valid:\n"
                    + problems.stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n")));
        }
        return new Deployment(service.name(), containers);
    }

    private static Optional<HostedComponent> hosted(String source, ServiceDescriptor service, String container,
                                                    XmlElement h, Map<String, String> statefulAt,
                                                    List<DescriptorProblem> problems) {
        String name = h.required("name");
        Optional<ComponentDescriptor> component = service.component(name);
        if (component.isEmpty()) {
            problems.add(at(source, h, "component '" + name + "' is not a component of service '" + service.name() + "'"));
            return Optional.empty();
        }
        if (!component.get().replication().replicable()) {
            String first = statefulAt.putIfAbsent(name, container);
            if (first != null) {
                problems.add(at(source, h, "stateful component '" + name + "' is already placed in container '" + first + "'"));
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
                problems.add(at(source, e, "'" + e.required("name") + "' is not an embedded component of '" + name + "'"));
            }
        }
        return Optional.of(HostedComponent.of(name, chosen));
    }

    private static DescriptorProblem at(String source, XmlElement e, String message) {
        return new DescriptorProblem(source, e.line(), e.column(), message);
    }
}
