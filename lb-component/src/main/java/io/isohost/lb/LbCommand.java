package io.isohost.lb;

import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    private static final XmlConfigReader READER =
            XmlConfigReader.forSchema(LbCommand.class.getResource("lb-1.xsd"), "urn:isohost:lb:1", "load-balancer");

    /** Reads and validates a configuration; problems are reported as {@code FILE:LINE:COLUMN: message}. */
    public static LbConfig read(Path file) {
        XmlElement root;
        try {
            root = READER.read(file);
        } catch (XmlConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        var config = balancerSettings(root.child("settings").orElse(null), root.required("strategy"));
        List<Route> routes = new ArrayList<>();
        for (XmlElement e : root.children("route")) {
            List<String> patterns = e.children("url-pattern").stream().map(XmlElement::text).toList();
            List<Endpoint> backends = new ArrayList<>();
            for (XmlElement b : e.children("backend")) {
                backends.add(new Endpoint(URI.create(b.required("url")), b.required("id"), b.integer("load-balance-weight", 100)));
            }
            routes.add(new Route(new RouteKey(STANDALONE_SERVICE, e.required("component")), patterns, backends));
        }
        return new LbConfig(root.required("address"), root.integer("port", 8080), config, routes);
    }

    /**
     * Balancer settings from an element of the schemas' one {@code balancerSettings} type
     * (load-balancer-1.xsd: Resin's {@code load-balance-*} names, limits, queue, {@code tenant-queue-share}
     * children), the standalone balancer's {@code <settings>} or the host's {@code <load-balancer>};
     * what is absent keeps its default. {@code settings} may be null. A rule the schema cannot express
     * (tenants' shares adding up to more than 1) is refused as {@code FILE:LINE:COLUMN: message}.
     */
    public static BalancerConfig balancerSettings(XmlElement s, String strategy) {
        BalancerConfig d = BalancerConfig.defaults();
        if (s == null) {
            return d.withStrategy(Strategy.parse(strategy));
        }
        java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
        for (XmlElement e : s.children("tenant-queue-share")) {
            shares.put(e.required("tenant"), Double.parseDouble(e.required("share")));
        }
        try {
            return new BalancerConfig(Strategy.parse(strategy),
                    s.duration("load-balance-connect-timeout").orElse(d.connectTimeout()),
                    s.duration("load-balance-recover-time").orElse(d.recoverTime()),
                    s.duration("load-balance-idle-time").orElse(d.idleTime()),
                    s.duration("load-balance-warmup-time").orElse(d.warmupTime()),
                    s.duration("response-timeout").orElse(d.responseTimeout()), s.integer("initial-limit", d.initialLimit()),
                    s.integer("min-limit", d.minLimit()), s.integer("max-limit", d.maxLimit()),
                    s.integer("queue-capacity", d.queueCapacity()), s.duration("queue-timeout").orElse(d.queueTimeout()),
                    s.integer("eject-after-errors", d.ejectAfterErrors()), d.maxTries(), d.maxRequestBytes(), shares,
                    // xs:boolean, validated by the schema: "true" or "1"
                    java.util.Set.of("true", "1").contains(s.attribute("forwarded-header", "false").strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.problem(e.getMessage()).toString(), e);
        }
    }
}
