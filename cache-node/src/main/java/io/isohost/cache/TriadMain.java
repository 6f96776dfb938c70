package io.isohost.cache;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code triad --config FILE}: runs one triad server until the process is stopped.
 * Exit codes: 0 stopped normally or help shown, 2 bad usage or configuration, 1 failure at run time.
 */
@Command(name = "triad", usageHelpWidth = 100,
        description = {"Run one server of a triad cache (1 or 3 members).",
                "FILE is XML in namespace urn:isohost:triad:1 (schema docs/schema/triad-1.xsd; see docs/cache.md):",
                "this server's id, the members' host:port in their fixed order, the data directory, the cluster",
                "secret file, limits, timing and named caches. Ctrl-C (SIGTERM) stops it."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped", "1:failure at run time", "2:bad usage or configuration"})
public final class TriadMain implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "this server's configuration (XML)")
    Path file;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new TriadMain()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println("triad: no such file: " + file);
            return 2;
        }
        TriadConfig config;
        try {
            config = TriadConfig.load(file);
        } catch (IllegalArgumentException e) {
            err.println("triad: bad configuration:\n" + e.getMessage());
            return 2;
        }
        TriadServer server;
        try {
            server = TriadServer.start(config);
        } catch (Exception e) {
            err.println("triad: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "triad-shutdown"));
        out.println("triad server " + config.self() + " started");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
