package io.isohost.daemon;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host configuration file ({@code urn:isohost:host:1}, schema {@code host-config.xsd} in the
 * jar): the daemon's settings plus the custom resources to register at start.
 */
public record HostConfig(DaemonSettings settings, List<String> resources, List<String> resourceDefinitions,
                         io.isohost.lb.BalancerConfig balancer, java.util.Optional<Path> triad) {
    public HostConfig(DaemonSettings settings, List<String> resources, List<String> resourceDefinitions) {
        this(settings, resources, resourceDefinitions, io.isohost.lb.BalancerConfig.defaults(), java.util.Optional.empty());
    }

    /** The same host configuration with other settings (command-line options win over the file). */
    public HostConfig withSettings(DaemonSettings other) {
        return new HostConfig(other, resources, resourceDefinitions, balancer, triad);
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

    public static HostConfig read(Path file) throws InvalidConfig {
        if (!Files.isReadable(file)) {
            throw new InvalidConfig(file + ": no such file, or not readable");
        }
        List<String> problems = new ArrayList<>();
        Document doc;
        try {
            var dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            dbf.setXIncludeAware(false);
            dbf.setExpandEntityReferences(false);
            var builder = dbf.newDocumentBuilder();
            builder.setErrorHandler(collect(file, problems));
            doc = builder.parse(file.toFile());
            var schemaFactory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            schemaFactory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            schemaFactory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            var schema = schemaFactory.newSchema(HostConfig.class.getResource("host-config.xsd"));
            var validator = schema.newValidator();
            validator.setErrorHandler(collect(file, problems));
            // validate the file itself so that errors carry its line and column
            validator.validate(new javax.xml.transform.stream.StreamSource(file.toFile()));
        } catch (SAXParseException e) {
            if (problems.isEmpty()) {
                problems.add(where(file, e) + e.getMessage());
            }
            throw new InvalidConfig(String.join("\n", problems));
        } catch (SAXException | IOException | javax.xml.parsers.ParserConfigurationException e) {
            throw new InvalidConfig(file + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfig(String.join("\n", problems));
        }
        DaemonSettings s = DaemonSettings.defaults();
        Element server = child(doc.getDocumentElement(), "server");
        try {
            if (server != null) {
                String address = server.getAttribute("address");
                Path data = text(server, "data-directory") == null ? s.dataDirectory()
                        : file.toAbsolutePath().getParent().resolve(text(server, "data-directory"));
                int admin = intText(server, "admin-port", s.adminPort());
                int jmx = intText(server, "jmx-port", s.jmxPort());
                Element range = child(server, "container-ports");
                int first = range == null ? s.firstContainerPort() : Integer.parseInt(range.getAttribute("first"));
                int last = range == null ? s.lastContainerPort() : Integer.parseInt(range.getAttribute("last"));
                int router = intText(server, "router-port", s.routerPort());
                s = new DaemonSettings(data, address.isEmpty() ? s.bindAddress() : address, admin, jmx, first, last, router);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(file + ": " + e.getMessage());
        }
        List<String> resources = new ArrayList<>();
        List<String> definitions = new ArrayList<>();
        Element res = child(doc.getDocumentElement(), "resources");
        if (res != null) {
            for (Node n = res.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    if (e.getLocalName().equals("resource")) {
                        resources.add(e.getAttribute("name"));
                    } else {
                        definitions.add(e.getAttribute("class"));
                    }
                }
            }
        }
        Element lb = child(doc.getDocumentElement(), "load-balancer");
        io.isohost.lb.BalancerConfig balancer;
        try {
            balancer = io.isohost.lb.LbCommand.balancerSettings(lb, lb == null || lb.getAttribute("strategy").isEmpty()
                    ? "server-load" : lb.getAttribute("strategy"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(file + ": load-balancer: " + e.getMessage());
        }
        Element triad = child(doc.getDocumentElement(), "triad");
        java.util.Optional<Path> triadConfig = triad == null ? java.util.Optional.empty()
                : java.util.Optional.of(file.toAbsolutePath().getParent().resolve(triad.getAttribute("config")));
        return new HostConfig(s, List.copyOf(resources), List.copyOf(definitions), balancer, triadConfig);
    }

    private static ErrorHandler collect(Path file, List<String> problems) {
        return new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) {
                problems.add(where(file, e) + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                problems.add(where(file, e) + e.getMessage());
                throw e;
            }
        };
    }

    private static String where(Path file, SAXParseException e) {
        return file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": ";
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    private static int intText(Element parent, String name, int dflt) {
        String t = text(parent, name);
        return t == null ? dflt : Integer.parseInt(t);
    }
}
