package io.isohost.daemon;

import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host configuration file ({@code urn:isohost:host:1}, schema {@code host-config.xsd} in the
 * jar): the daemon's settings plus the custom resources to register at start.
 */
public record HostConfig(DaemonSettings settings, List<String> resources, List<String> resourceDefinitions,
                         io.isohost.lb.BalancerConfig balancer, java.util.Optional<Path> triad, ControlSettings control) {
    public HostConfig(DaemonSettings settings, List<String> resources, List<String> resourceDefinitions) {
        this(settings, resources, resourceDefinitions, io.isohost.lb.BalancerConfig.defaults(), java.util.Optional.empty());
    }

    public HostConfig(DaemonSettings settings, List<String> resources, List<String> resourceDefinitions,
                      io.isohost.lb.BalancerConfig balancer, java.util.Optional<Path> triad) {
        this(settings, resources, resourceDefinitions, balancer, triad, ControlSettings.defaults());
    }

    /** The same host configuration with other settings (command-line options win over the file). */
    public HostConfig withSettings(DaemonSettings other) {
        return new HostConfig(other, resources, resourceDefinitions, balancer, triad, control);
    }

    /** The same host configuration with other control-plane settings. */
    public HostConfig withControl(ControlSettings other) {
        return new HostConfig(settings, resources, resourceDefinitions, balancer, triad, other);
    }

    public static final String NAMESPACE = "urn:isohost:host:1";

    /** A configuration file that cannot be used; the message names the file, line and column. */
    public static final class InvalidConfig extends Exception {
        public InvalidConfig(String message) {
            super(message);
        }
    }

    public static HostConfig defaults() {
        return new HostConfig(DaemonSettings.defaults(), List.of(), List.of());
    }

    private static final XmlConfigReader READER =
            XmlConfigReader.forSchema(HostConfig.class.getResource("host-config.xsd"), NAMESPACE, "isohost");

    public static HostConfig read(Path file) throws InvalidConfig {
        XmlElement root;
        try {
            root = READER.read(file);
        } catch (XmlConfigException e) {
            throw new InvalidConfig(e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        DaemonSettings s = DaemonSettings.defaults();
        ControlSettings control = ControlSettings.defaults();
        Optional<XmlElement> server = root.child("server");
        if (server.isPresent()) {
            XmlElement e = server.get();
            Optional<XmlElement> range = e.child("container-ports");
            try {
                s = new DaemonSettings(e.child("data-directory").map(d -> base.resolve(d.text())).orElse(s.dataDirectory()),
                        e.attribute("address").filter(a -> !a.isEmpty()).orElse(s.bindAddress()),
                        intText(e, "admin-port", s.adminPort()), intText(e, "jmx-port", s.jmxPort()),
                        range.map(r -> r.integer("first", 0)).orElse(s.firstContainerPort()),
                        range.map(r -> r.integer("last", 0)).orElse(s.lastContainerPort()),
                        intText(e, "router-port", s.routerPort()));
                control = new ControlSettings(
                        e.child("admin-request-limit").map(l -> Long.parseLong(l.text())).orElse(control.adminRequestLimit()),
                        e.child("jmx-address").map(XmlElement::text),
                        e.child("jmx-tls").map(t -> new ControlSettings.JmxTls(base.resolve(t.required("keystore")),
                                base.resolve(t.required("password-file")))));
            } catch (IllegalArgumentException x) {
                throw new InvalidConfig(e.problem(x.getMessage()).toString());
            }
        }
        List<String> resources = new ArrayList<>();
        List<String> definitions = new ArrayList<>();
        for (XmlElement e : root.child("resources").map(XmlElement::children).orElse(List.of())) {
            if (e.name().equals("resource")) {
                resources.add(e.required("name"));
            } else {
                definitions.add(e.required("class"));
            }
        }
        Optional<XmlElement> lb = root.child("load-balancer");
        io.isohost.lb.BalancerConfig balancer;
        try {
            balancer = io.isohost.lb.LbCommand.balancerSettings(lb.orElse(null),
                    lb.map(e -> e.required("strategy")).orElse("server-load"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(e.getMessage());
        }
        Optional<Path> triadConfig = root.child("triad").map(t -> base.resolve(t.required("config")));
        return new HostConfig(s, List.copyOf(resources), List.copyOf(definitions), balancer, triadConfig, control);
    }

    private static int intText(XmlElement parent, String name, int dflt) {
        return parent.child(name).map(e -> Integer.parseInt(e.text())).orElse(dflt);
    }
}
