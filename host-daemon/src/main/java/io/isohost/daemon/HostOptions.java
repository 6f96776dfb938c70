package io.isohost.daemon;

import io.isohost.daemon.internal.HostRecord;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * The options every host verb takes: where the host's configuration and data are and which ports
 * it listens on. What is given here wins over the configuration file.
 */
final class HostOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this verb's help")
    boolean help;

    @Option(names = "--config", paramLabel = "FILE",
            description = "host configuration (XML, schema host-config.xsd; see docs/host-config.md)")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = {"data directory; holds the admin token. Without it: "
            + "$ISOHOST_DATA, the --config file's, ./.isohost if it exists, $XDG_STATE_HOME/isohost or ~/.isohost"})
    Path data;

    /** The verb these options belong to; its parent is the {@link Isohost} that runs it. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec verb;

    @Option(names = "--admin-port", paramLabel = "N", description = "admin HTTP API port (default 7170; for a running host, the one in DIR/host.properties)")
    Integer adminPort;

    @Option(names = "--jmx-port", paramLabel = "N", description = "remote JMX port (default 7171)")
    Integer jmxPort;

    @Option(names = "--router-port", paramLabel = "N",
            description = "load balancer in front of the components (default 7180, 0 for none)")
    Integer routerPort;

    @Option(names = "--container-ports", paramLabel = "A-B",
            description = "port range for container endpoints (default 20000-29999)")
    String containerPorts;

    /** The configuration file's content (or the defaults) with these options applied. */
    HostConfig config() throws HostConfig.InvalidConfig, Isohost.UsageException {
        HostConfig file = config == null ? HostConfig.defaults() : HostConfig.read(config);
        return file.withSettings(settings(file.settings()));
    }

    /**
     * The settings to reach a running host with: its data directory's record of the ports it
     * answers on, unless {@code --admin-port} or {@code --jmx-port} name them here.
     */
    DaemonSettings running() throws HostConfig.InvalidConfig, Isohost.UsageException {
        DaemonSettings s = config().settings();
        return HostRecord.read(s.dataDirectory())
                .map(r -> s.withPorts(adminPort == null ? r.adminPort() : adminPort, jmxPort == null ? r.jmxPort() : jmxPort))
                .orElse(s);
    }

    /** The data directory as {@link DataDirectoryLookup} finds it. */
    private Path dataDirectory(DaemonSettings fromFile) {
        Isohost cli = (Isohost) verb.parent().userObject();
        if (data != null) {
            return data;
        }
        Path fromEnvironment = DataDirectoryLookup.fromEnvironment(cli.environment());
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        if (config != null && !fromFile.dataDirectory().equals(DaemonSettings.defaults().dataDirectory())) {
            return fromFile.dataDirectory();
        }
        return DataDirectoryLookup.byDefault(cli.environment(), cli.workingDirectory());
    }

    private DaemonSettings settings(DaemonSettings base) throws Isohost.UsageException {
        DaemonSettings s = base;
        try {
            s = s.withDataDirectory(dataDirectory(base));
            s = s.withPorts(adminPort == null ? s.adminPort() : adminPort, jmxPort == null ? s.jmxPort() : jmxPort)
                    .withRouterPort(routerPort == null ? s.routerPort() : routerPort);
            if (containerPorts != null) {
                String[] r = containerPorts.split("-");
                if (r.length != 2) {
                    throw new Isohost.UsageException("--container-ports takes a range like 20000-29999");
                }
                s = s.withContainerPorts(Integer.parseInt(r[0].strip()), Integer.parseInt(r[1].strip()));
            }
        } catch (NumberFormatException e) {
            throw new Isohost.UsageException("not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Isohost.UsageException(e.getMessage());
        }
        return s;
    }
}
