package io.isohost.daemon;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The verbs the {@code ./isohost} script runs itself, because they need the RUBiS example's class
 * path, which this jar does not carry. The jar lists them, and shows their help, only when the
 * script runs it.
 */
abstract sealed class ScriptVerb implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Isohost.USAGE;
    }

    @Command(name = "demo", usageHelpWidth = 100,
            description = {"RUBiS end to end: a host, the service, a small database, 30 s of the emulator.",
                    "Prints its table and leaves the host up; DEMO_CLIENTS and DEMO_DURATION change the run."})
    static final class Demo extends ScriptVerb {
    }

    @Command(name = "rubis", usageHelpWidth = 100,
            customSynopsis = "isohost rubis load [--db URL] [--scale S] [--seed N]",
            description = {"Generate a RUBiS database (default scale 0.01) with a progress bar.",
                    "'isohost rubis load --help' lists its options."})
    static final class Rubis extends ScriptVerb {
    }

    @Command(name = "bench", usageHelpWidth = 100,
            customSynopsis = "isohost bench rubis [--mix browsing|bidding] [--clients N] [--duration D] [--think-ms MS]",
            description = {"Run the RUBiS client emulator against the running host (docs/rubis.md).",
                    "'isohost bench rubis --help' lists its options."})
    static final class Bench extends ScriptVerb {
    }
}
