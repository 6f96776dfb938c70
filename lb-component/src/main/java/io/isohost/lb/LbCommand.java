package io.isohost.lb;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code isohost lb --config FILE}: a load balancer on its own, with static routes from a file. */
@Command(name = "lb", usageHelpWidth = 100,
        description = {"Run the load balancer alone, with static routes.",
                "FILE is XML (namespace urn:isohost:lb:1, schema lb-1.xsd; see docs/lb.md). Ctrl-C stops it."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped", "1:cannot listen", "2:bad usage or configuration"})
public final class LbCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "routes and settings (XML)")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    @Spec
    CommandSpec spec;

    /** The service a standalone balancer's routes belong to: the file names components only. */
    public static final String STANDALONE_SERVICE = "lb";

    /** A parsed configuration file. */
    public record LbConfig(String address, int port, BalancerConfig balancer, List<Route> routes) {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new LbCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LbConfig config;
        try {
            config = read(this.config);
        } catch (IllegalArgumentException e) {
            err.println("isohost lb: invalid configuration, nothing started:\n" + e.getMessage());
            return 2;
        }
        try (LoadBalancer lb = LoadBalancer.start(config.address(), config.port(), config.balancer())) {
            lb.replaceRoutes(config.routes());
            out.println("isohost load balancer ready on http://" + config.address() + ":" + lb.port() + "/ ("
                    + config.routes().size() + " routes, " + config.balancer().strategy() + ")");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            return 0;
        } catch (java.io.IOException e) {
            err.println("isohost lb: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Reads and validates a configuration; problems are reported as {@code FILE:LINE:COLUMN: message}. */
    public static LbConfig read(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": no such file, or not readable");
        }
        List<String> problems = new ArrayList<>();
        ErrorHandler collect = new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

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
            var sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            var validator = sf.newSchema(LbCommand.class.getResource("lb-1.xsd")).newValidator();
            validator.setErrorHandler(collect);
            validator.validate(new StreamSource(file.toFile()));
        } catch (SAXException | java.io.IOException | javax.xml.parsers.ParserConfigurationException e) {
            if (problems.isEmpty()) {
                problems.add(file + ": " + e.getMessage());
            }
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        var config = balancerSettings(child(root, "settings").orElse(null), attr(root, "strategy", "server-load"));
        List<Route> routes = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals("route")) {
                List<String> patterns = new ArrayList<>();
                List<Endpoint> backends = new ArrayList<>();
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c instanceof Element ce) {
                        if (ce.getLocalName().equals("url-pattern")) {
                            patterns.add(ce.getTextContent().strip());
                        } else {
                            backends.add(new Endpoint(URI.create(ce.getAttribute("url")), ce.getAttribute("id"),
                                    Integer.parseInt(attr(ce, "load-balance-weight", "100"))));
                        }
                    }
                }
                routes.add(new Route(new RouteKey(STANDALONE_SERVICE, e.getAttribute("component")), patterns, backends));
            }
        }
        return new LbConfig(attr(root, "address", "127.0.0.1"), Integer.parseInt(attr(root, "port", "8080")), config, routes);
    }

    /**
     * Balancer settings from an element carrying Resin's attribute names ({@code load-balance-*},
     * limits, queue) and {@code tenant-queue-share} children, as lb-1.xsd and host-config.xsd
     * declare them; what is absent keeps its default. {@code settings} may be null.
     */
    public static BalancerConfig balancerSettings(Element s, String strategy) {
        BalancerConfig d = BalancerConfig.defaults();
        java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
        for (Node n = s == null ? null : s.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals("tenant-queue-share")) {
                shares.put(e.getAttribute("tenant"), Double.parseDouble(e.getAttribute("share")));
            }
        }
        return new BalancerConfig(Strategy.parse(strategy),
                duration(s, "load-balance-connect-timeout", d.connectTimeout()), duration(s, "load-balance-recover-time", d.recoverTime()),
                duration(s, "load-balance-idle-time", d.idleTime()), duration(s, "load-balance-warmup-time", d.warmupTime()),
                duration(s, "response-timeout", d.responseTimeout()), integer(s, "initial-limit", d.initialLimit()),
                integer(s, "min-limit", d.minLimit()), integer(s, "max-limit", d.maxLimit()),
                integer(s, "queue-capacity", d.queueCapacity()), duration(s, "queue-timeout", d.queueTimeout()),
                integer(s, "eject-after-errors", d.ejectAfterErrors()), d.maxTries(), d.maxRequestBytes(), shares);
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static String attr(Element e, String name, String dflt) {
        return e == null || !e.hasAttribute(name) ? dflt : e.getAttribute(name);
    }

    private static int integer(Element e, String name, int dflt) {
        return Integer.parseInt(attr(e, name, Integer.toString(dflt)));
    }

    private static Duration duration(Element e, String name, Duration dflt) {
        String v = attr(e, name, null);
        if (v == null) {
            return dflt;
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return v.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }
}
