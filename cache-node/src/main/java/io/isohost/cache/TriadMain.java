package io.isohost.cache;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code triad --config FILE}: runs one triad server until the process is stopped.
 * Exit codes: 0 stopped normally or help shown, 2 bad usage or configuration, 1 failure at run time.
 */
public final class TriadMain {
    static final String USAGE = """
            usage: triad --config FILE
                   triad --help

            Runs one server of a triad cache (1 or 3 members). FILE is XML in namespace urn:isohost:triad:1
            (schema docs/schema/triad-1.xsd; see docs/cache.md): this server's id, the members' host:port in
            their fixed order, the data directory, the cluster secret file, limits, timing and named caches.
            Ctrl-C (SIGTERM) stops it.
            """;

    private TriadMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("triad: --config needs a FILE\n" + USAGE);
                        return 2;
                    }
                    file = Path.of(args[++i]);
                }
                default -> {
                    err.println("triad: unknown argument '" + args[i] + "'\n" + USAGE);
                    return 2;
                }
            }
        }
        if (file == null) {
            err.print("triad: --config FILE is required\n" + USAGE);
            return 2;
        }
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
