package io.isohost.cache.internal;

import io.isohost.cache.CacheConfig;
import io.isohost.cache.TriadConfig;
import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;

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

    private static final XmlConfigReader READER =
            XmlConfigReader.forSchema(TriadConfig.class.getResource("triad-1.xsd"), NS, "triad");

    private ConfigReader() {
    }

    public static TriadConfig read(Path file) {
        XmlElement root;
        try {
            root = READER.read(file);
        } catch (XmlConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        List<TriadConfig.Member> members = new ArrayList<>();
        for (XmlElement m : root.children("member")) {
            String address = m.required("address");
            int colon = address.lastIndexOf(':');
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(m.problem("member " + m.required("id") + ": port " + port + " out of range").toString());
            }
            members.add(new TriadConfig.Member(m.required("id"), address.substring(0, colon), port,
                    m.integer("repository-port", 0)));
        }
        XmlElement dataDir = root.child("data-dir").orElseThrow();
        Path secretFile = base.resolve(root.child("secret-file").orElseThrow().text());
        byte[] secret = readSecret(secretFile);
        XmlElement limits = root.child("limits").orElse(null);
        XmlElement timing = root.child("timing").orElse(null);
        XmlElement repo = root.child("repository").orElse(null);
        XmlElement caches = root.child("caches").orElse(null);
        Map<String, CacheConfig> named = new LinkedHashMap<>();
        if (caches != null) {
            for (XmlElement c : caches.children("cache")) {
                CacheConfig cc = new CacheConfig(c.required("name"), duration(c, "expire-timeout", null),
                        duration(c, "idle-timeout", null), duration(c, "lease-timeout", CacheConfig.DEFAULT_LEASE),
                        orElse(duration(c, "local-read-timeout", CacheConfig.DEFAULT_LOCAL_READ), Duration.ZERO),
                        integer(c, "near-cache-entries", 10_000));
                named.put(cc.name(), cc);
            }
        }
        TriadConfig.Repository repository = null;
        if (repo != null) {
            String token = new String(readSecret(base.resolve(repo.required("token-file"))), StandardCharsets.UTF_8);
            repository = new TriadConfig.Repository(token);
        }
        try {
            return new TriadConfig(root.required("server"), members, base.resolve(dataDir.text()), secret,
                    integer(limits, "max-key-bytes", TriadConfig.DEFAULT_MAX_KEY_BYTES),
                    integer(limits, "max-value-bytes", TriadConfig.DEFAULT_MAX_VALUE_BYTES),
                    orElse(duration(timing, "heartbeat", TriadConfig.DEFAULT_HEARTBEAT), TriadConfig.DEFAULT_HEARTBEAT),
                    orElse(duration(timing, "failure-timeout", TriadConfig.DEFAULT_FAILURE_TIMEOUT), TriadConfig.DEFAULT_FAILURE_TIMEOUT),
                    Boolean.parseBoolean(dataDir.required("fsync")), named,
                    caches != null && Boolean.parseBoolean(caches.required("allow-undeclared")), repository,
                    duration(timing, "auth-timeout", TriadConfig.DEFAULT_AUTH_TIMEOUT),
                    integer(limits, "max-unauthenticated-connections", TriadConfig.DEFAULT_MAX_UNAUTHENTICATED));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(root.problem(e.getMessage()).toString(), e);
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
        return s.equals("none") ? null : XmlElement.parseDuration(s);
    }

    private static Duration orElse(Duration d, Duration otherwise) {
        return d == null ? otherwise : d;
    }

    private static Duration duration(XmlElement e, String attr, Duration dflt) {
        return e == null || e.attribute(attr).isEmpty() ? dflt : parseDuration(e.required(attr));
    }

    private static int integer(XmlElement e, String attr, int dflt) {
        return e == null ? dflt : e.integer(attr, dflt);
    }
}
