package io.isohost.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.isohost.daemon.internal.AdminClient;
import io.isohost.daemon.internal.AdminToken;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code isohost} command line. */
public final class Isohost {
    /** Exit codes. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;
    public static final int REFUSED = 4;

    static final String HELP = """
            isohost - a multi-tenant isolate host for the JVM

            Usage: isohost <verb> [options]

            Verbs:
              start                      start a host on loopback and keep it in the foreground (Ctrl-C stops it)
              status [--json]            containers, isolates, policies and usage of the running host
              quota CONTAINER            show a container's quotas
              quota CONTAINER RESOURCE RATE
                                         set a rate quota, e.g. 'quota app-1 rubis.tx 20' (0 removes it)
              quota CONTAINER --cpu-share F | --max-concurrency N
                                         set the CPU share (0-1] or the concurrency limit (0 removes it)
              submit FILE                deploy a service descriptor (XML, schema service-1.xsd)
              services                   submitted services, their generators and containers
              swap-generator SERVICE NAME|JAR [KEY=VALUE...]
                                         replace a service's deployment generator while it runs
              allocate SERVICE N         give a service N containers; its generator decides their use
              lb --config FILE           run the load balancer alone, with static routes (docs/lb.md)
              triad --config FILE        run one triad cache server (docs/cache.md)
              demo                       RUBiS end to end: start a host, submit RUBiS, load a small database,
                                         run the client emulator for 30 s, print its table, leave the host up
              rubis load [--scale S]     generate a RUBiS database (default scale 0.01) with a progress bar
              bench rubis [--mix browsing|bidding] [--clients N] [--duration D] [--think-ms MS]
                                         the RUBiS client emulator against the running host (docs/rubis.md)
              stop                       stop the running host
              help                       this text

            Options (all verbs):
              --config FILE              host configuration (XML, schema host-config.xsd; see docs/host-config.md)
              --data DIR                 data directory (default ./.isohost); holds the admin token
              --admin-port N             admin HTTP API port (default 7170)
              --jmx-port N               remote JMX port (default 7171)
              --router-port N            load balancer in front of the components (default 7180, 0 for none)
              --container-ports A-B      port range for container endpoints (default 20000-29999)

            JMX: service:jmx:rmi:///jndi/rmi://127.0.0.1:7171/jmxrmi
                 beans isohost:type=ServiceContainer,name=* and isohost:type=ResourceDomain,container=*,resource=*

            Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 no host running, 4 refused by the host
            """;

    private final PrintStream out;
    private final PrintStream err;

    Isohost(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Isohost(System.out, System.err).run(args));
    }

    /** Runs one command line and returns its exit code. */
    public int run(String... args) {
        if (args.length > 0 && args[0].equals("lb")) {
            return io.isohost.lb.LbCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("triad")) {
            return io.isohost.cache.TriadMain.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        List<String> rest = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        try {
            parse(args, rest, options);
            HostConfig config = config(options);
            DaemonSettings settings = settings(config.settings(), options);
            if (rest.isEmpty() || rest.getFirst().equals("help") || options.containsKey("--help")) {
                out.print(HELP);
                return rest.isEmpty() && !options.containsKey("--help") ? USAGE : OK;
            }
            String verb = rest.removeFirst();
            return switch (verb) {
                case "start" -> start(config.withSettings(settings));
                case "status" -> status(settings, options.containsKey("--json"));
                case "quota" -> quota(settings, rest, options);
                case "stop" -> stop(settings);
                case "submit" -> submit(settings, rest);
                case "services" -> services(settings, options.containsKey("--json"));
                case "swap-generator" -> swap(settings, rest);
                case "allocate" -> allocate(settings, rest);
                default -> usage("unknown verb '" + verb + "'");
            };
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (HostConfig.InvalidConfig e) {
            err.println("isohost: invalid configuration, nothing started:\n" + e.getMessage());
            return USAGE;
        } catch (AdminClient.Unreachable e) {
            err.println("isohost: " + e.getMessage());
            return NOT_RUNNING;
        } catch (AdminClient.Refused e) {
            err.println("isohost: " + e.getMessage());
            return REFUSED;
        } catch (NoSuchFileException e) {
            err.println("isohost: no admin token at " + e.getFile() + "; is a host running with this --data directory?");
            return NOT_RUNNING;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("isohost: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private int usage(String message) {
        err.println("isohost: " + message);
        err.println("Run 'isohost help' for the verbs and options.");
        return USAGE;
    }

    private static void parse(String[] args, List<String> rest, Map<String, String> options) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json", "--help", "-h" -> options.put(a.equals("-h") ? "--help" : a, "");
                case "--config", "--data", "--router-port", "--admin-port", "--jmx-port", "--container-ports", "--cpu-share", "--max-concurrency" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(a + " needs a value");
                    }
                    options.put(a, args[++i]);
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option '" + a + "'");
                    }
                    rest.add(a);
                }
            }
        }
    }

    private static HostConfig config(Map<String, String> o) throws HostConfig.InvalidConfig {
        return o.containsKey("--config") ? HostConfig.read(Path.of(o.get("--config"))) : HostConfig.defaults();
    }

    private static DaemonSettings settings(DaemonSettings base, Map<String, String> o) throws UsageException {
        DaemonSettings s = base;
        try {
            if (o.containsKey("--data")) {
                s = s.withDataDirectory(Path.of(o.get("--data")));
            }
            s = s.withPorts(port(o, "--admin-port", s.adminPort()), port(o, "--jmx-port", s.jmxPort()))
                    .withRouterPort(port(o, "--router-port", s.routerPort()));
            if (o.containsKey("--container-ports")) {
                String[] r = o.get("--container-ports").split("-");
                if (r.length != 2) {
                    throw new UsageException("--container-ports takes a range like 20000-29999");
                }
                s = s.withContainerPorts(Integer.parseInt(r[0].strip()), Integer.parseInt(r[1].strip()));
            }
        } catch (NumberFormatException e) {
            throw new UsageException("not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return s;
    }

    private static int port(Map<String, String> o, String name, int dflt) {
        return o.containsKey(name) ? Integer.parseInt(o.get(name)) : dflt;
    }

    private int start(HostConfig config) throws IOException, InterruptedException {
        DaemonSettings settings = config.settings();
        Daemon daemon = Daemon.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "isohost-shutdown-hook"));
        out.println("isohost host ready");
        out.println("  admin API   " + daemon.adminUri() + "api/status   (token in "
                + settings.dataDirectory().resolve(AdminToken.FILE) + ")");
        out.println("  JMX         " + daemon.jmxUrl());
        daemon.routerUri().ifPresent(u -> out.println("  balancer    " + u + "   (requests to deployed components)"));
        out.println("  containers  ports " + settings.firstContainerPort() + "-" + settings.lastContainerPort()
                + " on " + settings.bindAddress());
        out.println("Stop with Ctrl-C or 'isohost stop'.");
        out.flush();
        daemon.awaitStop();
        return OK;
    }

    private AdminClient client(DaemonSettings s) throws IOException {
        String host = s.bindAddress().contains(":") ? "[" + s.bindAddress() + "]" : s.bindAddress();
        return new AdminClient(URI.create("http://" + host + ":" + s.adminPort() + "/"),
                AdminToken.read(s.dataDirectory()));
    }

    private int stop(DaemonSettings s) throws IOException, InterruptedException {
        client(s).send("POST", "api/shutdown", null);
        out.println("isohost host stopping");
        return OK;
    }

    private int submit(DaemonSettings s, List<String> rest) throws IOException, InterruptedException, UsageException {
        if (rest.size() != 1) {
            throw new UsageException("submit takes one descriptor file");
        }
        Path file = Path.of(rest.getFirst()).toAbsolutePath();
        printReport(client(s).send("POST", "api/services", Map.of("descriptor", file.toString())));
        return OK;
    }

    private int swap(DaemonSettings s, List<String> rest) throws IOException, InterruptedException, UsageException {
        if (rest.size() < 2) {
            throw new UsageException("swap-generator takes SERVICE and a generator name or jar");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : rest.subList(2, rest.size())) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("generator parameters are KEY=VALUE: '" + kv + "'");
            }
            params.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String gen = rest.get(1).endsWith(".jar") ? Path.of(rest.get(1)).toAbsolutePath().toString() : rest.get(1);
        printReport(client(s).send("POST", "api/services/" + rest.getFirst() + "/generator",
                Map.of("generator", gen, "parameters", params)));
        return OK;
    }

    private int allocate(DaemonSettings s, List<String> rest) throws IOException, InterruptedException, UsageException {
        if (rest.size() != 2) {
            throw new UsageException("allocate takes SERVICE and a number of containers");
        }
        int n;
        try {
            n = Integer.parseInt(rest.get(1));
        } catch (NumberFormatException e) {
            throw new UsageException("not a number of containers: " + rest.get(1));
        }
        printReport(client(s).send("PUT", "api/services/" + rest.getFirst() + "/allocation", Map.of("containers", n)));
        return OK;
    }

    private int services(DaemonSettings s, boolean json) throws IOException, InterruptedException {
        JsonNode list = client(s).get("api/services");
        if (json) {
            out.println(list.toPrettyString());
            return OK;
        }
        if (list.isEmpty()) {
            out.println("no services");
            return OK;
        }
        out.printf(Locale.ROOT, "%-16s %-12s %-22s %5s  %s%n", "SERVICE", "TENANT", "GENERATOR", "ALLOC", "CONTAINERS");
        for (JsonNode n : list) {
            List<String> cs = new ArrayList<>();
            n.path("containers").forEach(c -> cs.add(c.asText()));
            out.printf(Locale.ROOT, "%-16s %-12s %-22s %5d  %s%n", n.path("name").asText(), n.path("tenant").asText(),
                    n.path("generator").asText(), n.path("allocation").asInt(), String.join(" ", cs));
        }
        return OK;
    }

    private void printReport(JsonNode r) {
        out.printf(Locale.ROOT, "deployment %d applied in %d ms%n", r.path("version").asLong(), r.path("millis").asLong());
        for (String field : List.of("containersCreated", "containersDestroyed", "containersRetuned", "isolatesStarted", "isolatesStopped")) {
            List<String> items = new ArrayList<>();
            r.path(field).forEach(i -> items.add(i.asText()));
            if (!items.isEmpty()) {
                out.println("  " + field.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT) + ": " + String.join(", ", items));
            }
        }
    }

    private int status(DaemonSettings s, boolean json) throws IOException, InterruptedException {
        JsonNode status = client(s).get("api/status");
        if (json) {
            out.println(status.toPrettyString());
            return OK;
        }
        out.println("host  admin " + status.path("admin").asText() + "  jmx " + status.path("jmx").asText()
                + "  cores " + status.path("cores").asInt());
        services(s, false);
        JsonNode containers = status.path("containers");
        if (containers.isEmpty()) {
            out.println("no containers");
            return OK;
        }
        out.printf(Locale.ROOT, "%-20s %-6s %6s %9s %9s %8s %8s  %s%n",
                "CONTAINER", "PORT", "ISOLS", "REQUESTS", "CPU-MS", "WAITS", "DENIALS", "POLICIES");
        for (JsonNode c : containers) {
            long requests = 0;
            for (JsonNode i : c.path("isolates")) {
                requests += i.path("usage").path("requests").asLong();
            }
            long waits = 0;
            long denials = 0;
            for (JsonNode d : c.path("domains")) {
                waits += d.path("waits").asLong();
                denials += d.path("denials").asLong();
            }
            String name = c.path("parent").isNull() || c.path("parent").isMissingNode()
                    ? c.path("name").asText() : "  " + c.path("name").asText();
            List<String> policies = new ArrayList<>();
            c.path("policies").forEach(p -> policies.add(p.asText()));
            out.printf(Locale.ROOT, "%-20s %-6s %6d %9d %9d %8d %8d  %s%n", name,
                    c.path("leaf").asBoolean() ? c.path("port").asText() : "group", c.path("isolates").size(), requests,
                    c.path("domains").path("cpu-time").path("charged").asLong() / 1_000_000, waits, denials,
                    policies.isEmpty() ? "-" : String.join("; ", policies));
            for (JsonNode i : c.path("isolates")) {
                out.printf(Locale.ROOT, "    %-30s %-5s %-8s requests %d, errors %d, cpu %d ms%s%n", i.path("id").asText(),
                        i.path("kind").asText(), i.path("state").asText(), i.path("usage").path("requests").asLong(),
                        i.path("usage").path("errors").asLong(), i.path("usage").path("cpuNanos").asLong() / 1_000_000,
                        i.path("failure").isNull() ? "" : "  (" + i.path("failure").asText() + ")");
            }
        }
        return OK;
    }

    private int quota(DaemonSettings s, List<String> rest, Map<String, String> o)
            throws IOException, InterruptedException, UsageException {
        if (rest.isEmpty()) {
            throw new UsageException("quota needs a container name");
        }
        String container = rest.getFirst();
        String path = "api/containers/" + container + "/quota";
        Map<String, Object> change = new LinkedHashMap<>();
        try {
            if (rest.size() == 3) {
                change.put("resource", rest.get(1));
                change.put("rate", Double.parseDouble(rest.get(2)));
            } else if (rest.size() != 1) {
                throw new UsageException("quota takes CONTAINER, or CONTAINER RESOURCE RATE");
            }
            if (o.containsKey("--cpu-share")) {
                change.put("cpuShare", Double.parseDouble(o.get("--cpu-share")));
            }
            if (o.containsKey("--max-concurrency")) {
                change.put("maxConcurrency", Integer.parseInt(o.get("--max-concurrency")));
            }
        } catch (NumberFormatException e) {
            throw new UsageException("not a number: " + e.getMessage());
        }
        AdminClient client = client(s);
        JsonNode q = change.isEmpty() ? client.get(path) : client.send("PUT", path, change);
        out.println("container " + container);
        q.path("rates").properties().forEach(e ->
                out.printf(Locale.ROOT, "  rate %-18s %s/s%n", e.getKey(), e.getValue().asText()));
        out.printf(Locale.ROOT, "  cpu share          %s%n", q.path("cpuShare").asDouble() == 0 ? "-" : q.path("cpuShare").asText());
        out.printf(Locale.ROOT, "  cpu guarantee      %s%n", q.path("cpuGuarantee").asDouble() == 0 ? "-" : q.path("cpuGuarantee").asText());
        out.printf(Locale.ROOT, "  max concurrency    %s%n", q.path("maxConcurrency").asInt() == 0 ? "-" : q.path("maxConcurrency").asText());
        return OK;
    }
}
