package io.isohost.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.isohost.daemon.internal.AdminClient;
import io.isohost.daemon.internal.AdminToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code isohost} command line: one verb per subcommand, each with {@code --help}. The verbs
 * that talk to a running host find it through {@link HostOptions}.
 */
@Command(name = "isohost", usageHelpWidth = 100,
        description = "A multi-tenant isolate host for the JVM.",
        synopsisSubcommandLabel = "VERB",
        commandListHeading = "%nVerbs:%n",
        subcommands = {CommandLine.HelpCommand.class, io.isohost.lb.LbCommand.class, io.isohost.cache.TriadMain.class},
        footerHeading = "%n",
        footer = {"JMX: service:jmx:rmi:///jndi/rmi://127.0.0.1:7171/jmxrmi, as a user of DATA/jmx.password",
                "     beans isohost:type=ServiceContainer,name=* and isohost:type=ResourceDomain,container=*,resource=*",
                "Run 'isohost VERB --help' for a verb's options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the operation failed", "2:usage error", "3:no host running", "4:refused by the host"})
public final class Isohost implements Callable<Integer> {
    /** Exit codes. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;
    public static final int REFUSED = 4;

    /** The order verbs are listed in: the host's life, then the parts that run alone. */
    private static final List<String> VERBS = List.of("start", "status", "quota", "submit", "services",
            "swap-generator", "allocate", "remove", "stop", "data-directory", "demo", "rubis", "bench", "lb", "triad", "help");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean fromScript;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    /**
     * @param fromScript       run by the {@code ./isohost} script, which runs {@code demo}, {@code rubis} and
     *                         {@code bench} itself (they need the RUBiS example's class path, not in this jar)
     * @param environment      the process environment, where {@link DataDirectoryLookup} looks
     * @param workingDirectory where {@code ./.isohost} is looked for
     */
    Isohost(PrintStream out, PrintStream err, boolean fromScript, Map<String, String> environment, Path workingDirectory) {
        this.out = out;
        this.err = err;
        this.fromScript = fromScript;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    Isohost(PrintStream out, PrintStream err, boolean fromScript) {
        this(out, err, fromScript, Map.of(), Path.of(""));
    }

    Isohost(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    public static void main(String[] args) {
        System.exit(new Isohost(System.out, System.err, System.getenv(SCRIPT_VARIABLE) != null, System.getenv(), Path.of(""))
                .run(args));
    }

    Map<String, String> environment() {
        return environment;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    /** Set by the {@code ./isohost} script for the jar it runs. */
    static final String SCRIPT_VARIABLE = "ISOHOST_SCRIPT";

    /** Runs one command line and returns its exit code. */
    public int run(String... args) {
        CommandLine cli = new CommandLine(new Isohost(out, err, fromScript, environment, workingDirectory));
        if (fromScript) {
            cli.addSubcommand(new ScriptVerb.Demo()).addSubcommand(new ScriptVerb.Rubis()).addSubcommand(new ScriptVerb.Bench());
        }
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> {
            Map<String, CommandLine.Help> ordered = new LinkedHashMap<>();
            VERBS.stream().filter(help.subcommands()::containsKey).forEach(v -> ordered.put(v, help.subcommands().get(v)));
            help.subcommands().forEach(ordered::putIfAbsent);
            return help.commandList(ordered);
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> usage(e.getCommandLine(), e.getMessage(), e));
        cli.setExecutionExceptionHandler((e, c, parsed) -> failed(e, c));
        return cli.execute(args);
    }

    /** {@code isohost} alone: the verbs, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return USAGE;
    }

    /** A command line that names the verb but not what it needs. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private int usage(CommandLine verb, String message, CommandLine.ParameterException cause) {
        err.println("isohost: " + message);
        if (cause != null) {
            CommandLine.UnmatchedArgumentException.printSuggestions(cause, err);
        }
        err.println("Run '" + verb.getCommandSpec().qualifiedName() + " --help' for the verbs and options.");
        return USAGE;
    }

    private int failed(Exception e, CommandLine verb) throws Exception {
        if (e instanceof UsageException) {
            return usage(verb, e.getMessage(), null);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
        if (!(e instanceof IOException || e instanceof HostConfig.InvalidConfig
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
            throw e;
        }
        err.println(switch (e) {
            case HostConfig.InvalidConfig c -> "isohost: invalid configuration, nothing started:\n" + c.getMessage();
            case NoSuchFileException n -> "isohost: no host found: no admin token at " + n.getFile()
                    + "\n  (the data directory is " + DataDirectoryLookup.ORDER + ")";
            default -> "isohost: " + e.getMessage();
        });
        return switch (e) {
            case HostConfig.InvalidConfig c -> USAGE;
            case AdminClient.Unreachable u -> NOT_RUNNING;
            case NoSuchFileException n -> NOT_RUNNING;
            case AdminClient.Refused r -> REFUSED;
            default -> FAILED;
        };
    }

    @Command(name = "start", usageHelpWidth = 100,
            description = "Start a host on loopback and keep it in the foreground (Ctrl-C stops it).")
    int start(@Mixin HostOptions host,
              @Option(names = "--artifact-root", paramLabel = "DIR",
                      description = {"a directory services' artifacts may come from besides each descriptor's own (repeatable;",
                              "also those in $ISOHOST_ARTIFACT_ROOTS)"}) List<Path> artifactRoots,
              @Option(names = "--descriptor-limit", paramLabel = "BYTES",
                      description = "the largest service descriptor a submit reads (default 1 MiB)") Long descriptorLimit)
            throws Exception {
        HostConfig config = host.config();
        if (artifactRoots != null) {
            config = config.withSettings(config.settings().withArtifactRoots(artifactRoots));
        }
        if (descriptorLimit != null) {
            if (descriptorLimit < 1) {
                throw new UsageException("--descriptor-limit must be a positive number of bytes: " + descriptorLimit);
            }
            config = config.withSettings(config.settings().withDescriptorLimit(descriptorLimit));
        }
        return start(config);
    }

    @Command(name = "status", usageHelpWidth = 100,
            description = "Containers, isolates, policies and usage of the running host.")
    int status(@Mixin HostOptions host, @Option(names = "--json", description = "the host's answer as JSON") boolean json)
            throws Exception {
        return status(host.running(), json);
    }

    @Command(name = "quota", usageHelpWidth = 100,
            description = {"Show a container's quotas, or change one.",
            "'quota app-1 rubis.tx 20' sets a rate quota (0 removes it); --cpu-share and --max-concurrency set those."})
    int quota(@Mixin HostOptions host,
              @Parameters(index = "0", paramLabel = "CONTAINER") String container,
              @Parameters(index = "1", arity = "0..1", paramLabel = "RESOURCE") String resource,
              @Parameters(index = "2", arity = "0..1", paramLabel = "RATE", description = "transactions per second") Double rate,
              @Option(names = "--cpu-share", paramLabel = "F", description = "the CPU share (0-1]") Double cpuShare,
              @Option(names = "--max-concurrency", paramLabel = "N", description = "the concurrency limit (0 removes it)")
              Integer maxConcurrency) throws Exception {
        Map<String, Object> change = new LinkedHashMap<>();
        if (resource != null) {
            if (rate == null) {
                throw new UsageException("quota takes CONTAINER, or CONTAINER RESOURCE RATE");
            }
            change.put("resource", resource);
            change.put("rate", rate);
        }
        if (cpuShare != null) {
            change.put("cpuShare", cpuShare);
        }
        if (maxConcurrency != null) {
            change.put("maxConcurrency", maxConcurrency);
        }
        return quota(host.running(), container, change);
    }

    @Command(name = "submit", usageHelpWidth = 100,
            description = "Deploy a service descriptor (XML, schema service-1.xsd; see docs/descriptor.md).")
    int submit(@Mixin HostOptions host, @Parameters(paramLabel = "FILE") Path file) throws Exception {
        printReport(client(host.running()).send("POST", "api/services",
                Map.of("descriptor", file.toAbsolutePath().toString())));
        return OK;
    }

    @Command(name = "services", usageHelpWidth = 100,
            description = "Submitted services, their generators and containers.")
    int services(@Mixin HostOptions host, @Option(names = "--json", description = "the host's answer as JSON") boolean json)
            throws Exception {
        return services(host.running(), json);
    }

    @Command(name = "swap-generator", usageHelpWidth = 100,
            description = "Replace a service's deployment generator while it runs.")
    int swap(@Mixin HostOptions host, @Parameters(index = "0", paramLabel = "SERVICE") String service,
             @Parameters(index = "1", paramLabel = "NAME|JAR", description = "a built-in generator's name or a generator jar")
             String generator,
             @Parameters(index = "2..*", paramLabel = "KEY=VALUE", description = "the generator's parameters")
             Map<String, String> parameters) throws Exception {
        String gen = generator.endsWith(".jar") ? Path.of(generator).toAbsolutePath().toString() : generator;
        printReport(client(host.running()).send("POST", "api/services/" + service + "/generator",
                Map.of("generator", gen, "parameters", parameters == null ? Map.of() : parameters)));
        return OK;
    }

    @Command(name = "allocate", usageHelpWidth = 100,
            description = "Give a service N containers; its generator decides their use.")
    int allocate(@Mixin HostOptions host, @Parameters(index = "0", paramLabel = "SERVICE") String service,
                 @Parameters(index = "1", paramLabel = "N") int containers) throws Exception {
        printReport(client(host.running()).send("PUT", "api/services/" + service + "/allocation",
                Map.of("containers", containers)));
        return OK;
    }

    @Command(name = "remove", usageHelpWidth = 100,
            description = {"Remove a service: destroy its containers and delete what the host keeps of it",
                    "(its descriptor, its artifacts' copies and its components' data)."})
    int remove(@Mixin HostOptions host, @Parameters(paramLabel = "SERVICE") String service) throws Exception {
        JsonNode r = client(host.running()).send("DELETE", "api/services/" + service, null);
        out.println(r.path("message").asText());
        return OK;
    }

    @Command(name = "data-directory", usageHelpWidth = 100,
            description = "Print the data directory the verbs use (" + DataDirectoryLookup.ORDER + ").")
    int dataDirectory(@Mixin HostOptions host) throws Exception {
        out.println(host.config().settings().dataDirectory().toAbsolutePath().normalize());
        return OK;
    }

    @Command(name = "stop", usageHelpWidth = 100,
            description = "Stop the running host.")
    int stop(@Mixin HostOptions host) throws Exception {
        client(host.running()).send("POST", "api/shutdown", null);
        out.println("isohost host stopping");
        return OK;
    }

    private int start(HostConfig config) throws IOException, InterruptedException {
        DaemonSettings settings = config.settings();
        Daemon daemon = Daemon.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "isohost-shutdown-hook"));
        out.println("isohost host ready");
        out.println("  admin API   " + daemon.adminUri() + "api/status   (token in "
                + settings.dataDirectory().resolve(AdminToken.FILE) + ")");
        out.println("  JMX         " + daemon.jmxUrl() + "   (users in "
                + settings.dataDirectory().resolve(io.isohost.daemon.internal.JmxUsers.FILE) + ")");
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
            List<String> quotas = new ArrayList<>();
            c.path("quotas").forEach(q -> quotas.add(q.path("quota").asText() + " " + q.path("value").asText()
                    + " (" + q.path("source").asText() + ")"));
            if (!quotas.isEmpty()) {
                out.println("    quotas: " + String.join(", ", quotas));
            }
            for (JsonNode i : c.path("isolates")) {
                out.printf(Locale.ROOT, "    %-30s %-5s %-8s requests %d, errors %d, cpu %d ms%s%n", i.path("id").asText(),
                        i.path("kind").asText(), i.path("state").asText(), i.path("usage").path("requests").asLong(),
                        i.path("usage").path("errors").asLong(), i.path("usage").path("cpuNanos").asLong() / 1_000_000,
                        i.path("failure").isNull() ? "" : "  (" + i.path("failure").asText() + ")");
            }
        }
        return OK;
    }

    private int quota(DaemonSettings s, String container, Map<String, Object> change)
            throws IOException, InterruptedException {
        String path = "api/containers/" + container + "/quota";
        AdminClient client = client(s);
        JsonNode q = change.isEmpty() ? client.get(path) : client.send("PUT", path, change);
        out.println("container " + container);
        if (q.path("sources").isEmpty()) {
            out.println("  no quotas");
        }
        // each quota in force with where it comes from: the descriptor, an operator (kept), or the host
        for (JsonNode v : q.path("sources")) {
            out.printf(Locale.ROOT, "  %-28s %-14s %s%n", v.path("quota").asText(), v.path("value").asText(), v.path("source").asText());
        }
        return OK;
    }
}
