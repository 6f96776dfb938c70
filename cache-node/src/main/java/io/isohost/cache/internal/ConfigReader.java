package io.isohost.cache.internal;

import io.isohost.cache.CacheConfig;
import io.isohost.cache.TriadConfig;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and validates a triad configuration file against triad-1.xsd; every problem carries its line and column. */
public final class ConfigReader {
    public static final String NS = "urn:isohost:triad:1";

    private ConfigReader() {
    }

    public static TriadConfig read(Path file) {
        List<String> problems = new ArrayList<>();
        DefaultHandler collect = new DefaultHandler() {
            @Override
            public void error(SAXParseException e) {
                problems.add(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                error(e);
                throw e;
            }
        };
        Element root;
        try {
            var dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var builder = dbf.newDocumentBuilder();
            builder.setErrorHandler(collect);
            root = builder.parse(file.toFile()).getDocumentElement();
            var validator = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(TriadConfig.class.getResource("triad-1.xsd")).newValidator();
            validator.setErrorHandler(collect);
            validator.validate(new StreamSource(file.toFile()));
        } catch (SAXException | IOException | ParserConfigurationException e) {
            if (problems.isEmpty()) {
                problems.add(file + ": " + e.getMessage());
            }
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        Path base = file.toAbsolutePath().getParent();
        List<TriadConfig.Member> members = new ArrayList<>();
        for (Element m : children(root, "member")) {
            String address = m.getAttribute("address");
            int colon = address.lastIndexOf(':');
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(file + ": member " + m.getAttribute("id") + ": port " + port + " out of range");
            }
            members.add(new TriadConfig.Member(m.getAttribute("id"), address.substring(0, colon), port,
                    m.hasAttribute("repository-port") ? Integer.parseInt(m.getAttribute("repository-port")) : 0));
        }
        Element dataDir = children(root, "data-dir").getFirst();
        Path secretFile = base.resolve(text(children(root, "secret-file").getFirst()));
        byte[] secret = readSecret(secretFile);
        Element limits = first(root, "limits");
        Element timing = first(root, "timing");
        Element repo = first(root, "repository");
        Element caches = first(root, "caches");
        Map<String, CacheConfig> named = new LinkedHashMap<>();
        if (caches != null) {
            for (Element c : children(caches, "cache")) {
                CacheConfig cc = new CacheConfig(c.getAttribute("name"), duration(c, "expire-timeout", null),
                        duration(c, "idle-timeout", null), duration(c, "lease-timeout", CacheConfig.DEFAULT_LEASE),
                        orElse(duration(c, "local-read-timeout", CacheConfig.DEFAULT_LOCAL_READ), Duration.ZERO),
                        integer(c, "near-cache-entries", 10_000));
                named.put(cc.name(), cc);
            }
        }
        TriadConfig.Repository repository = null;
        if (repo != null) {
            String token = new String(readSecret(base.resolve(repo.getAttribute("token-file"))), StandardCharsets.UTF_8);
            repository = new TriadConfig.Repository(token);
        }
        try {
            return new TriadConfig(root.getAttribute("server"), members, base.resolve(text(dataDir)), secret,
                    integer(limits, "max-key-bytes", TriadConfig.DEFAULT_MAX_KEY_BYTES),
                    integer(limits, "max-value-bytes", TriadConfig.DEFAULT_MAX_VALUE_BYTES),
                    orElse(duration(timing, "heartbeat", TriadConfig.DEFAULT_HEARTBEAT), TriadConfig.DEFAULT_HEARTBEAT),
                    orElse(duration(timing, "failure-timeout", TriadConfig.DEFAULT_FAILURE_TIMEOUT), TriadConfig.DEFAULT_FAILURE_TIMEOUT),
                    Boolean.parseBoolean(dataDir.getAttribute("fsync")), named,
                    caches != null && Boolean.parseBoolean(caches.getAttribute("allow-undeclared")), repository,
                    duration(timing, "auth-timeout", TriadConfig.DEFAULT_AUTH_TIMEOUT),
                    integer(limits, "max-unauthenticated-connections", TriadConfig.DEFAULT_MAX_UNAUTHENTICATED));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The secret file's bytes without surrounding whitespace, so a text file edited by hand works. */
    public static byte[] readSecret(Path f) {
        try {
            return Files.readString(f, StandardCharsets.ISO_8859_1).strip().getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secret file " + f + ": " + e.getMessage(), e);
        }
    }

    /** "250ms", "2s", "5m", "1h", "1d"; "none" is null. */
    public static Duration parseDuration(String s) {
        if (s.equals("none")) {
            return null;
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: " + s);
        }
        long v = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            case "d" -> Duration.ofDays(v);
            default -> throw new IllegalArgumentException("not a duration: " + s);
        };
    }

    private static Duration orElse(Duration d, Duration otherwise) {
        return d == null ? otherwise : d;
    }

    private static Duration duration(Element e, String attr, Duration dflt) {
        if (e == null || !e.hasAttribute(attr)) {
            return dflt;
        }
        return parseDuration(e.getAttribute(attr));
    }

    private static int integer(Element e, String attr, int dflt) {
        if (e == null || !e.hasAttribute(attr)) {
            return dflt;
        }
        long v = Long.parseLong(e.getAttribute(attr));
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(attr + " " + v + " is too large");
        }
        return (int) v;
    }

    private static String text(Element e) {
        return e.getTextContent().strip();
    }

    private static Element first(Element parent, String name) {
        List<Element> l = children(parent, name);
        return l.isEmpty() ? null : l.getFirst();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }
}
