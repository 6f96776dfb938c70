package io.isohost.rubis.client;

import io.isohost.rubis.Population;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The RUBiS client emulator: N emulated users, each a virtual thread running a {@link UserSession}
 * with TPC-W think times, through an up-ramp, a measurement window and a down-ramp, as the original RUBiS
 * {@code ClientEmulator} runs them.
 *
 * <p>Command line: {@code --url BASE --mix browsing|bidding --clients N --duration D [--up-ramp D]
 * [--down-ramp D] [--think-ms MS] [--scale S] [--seed N] [--out DIR]}; see {@link #usage()}.
 * Programmatic use: {@link #run(EmulatorConfig)} over HTTP, or {@link #run(EmulatorConfig, PageFetcher)}.
 *
 * <p><b>Deliberate deviations from the original emulator.</b> The original draws category and region
 * ids 0-based (so about 1 in 20 searches asks for a non-existent id 0 and the last id is never
 * used) and sends the session's 0-based user id in StoreBid, StoreBuyNow, StoreComment (from),
 * SellItemForm and RegisterItem. This emulator draws category and region ids uniformly over the
 * existing 1-based ids of {@link Population}, and sends the session's real 1-based user id
 * ({@code user<id>} / {@code password<id>}), so no request names a non-existent id. Back re-requests
 * the exact URL of the page on the history stack, like a browser's back button. An HTTP error status
 * counts as an ERROR page. Everything else (the raw matrices and their cumulative drawing, the Back
 * stack, the think time and its cap, the page parsing, the retries) follows the original.
 */
public final class Emulator {

    /** Exit status: success. */
    public static final int OK = 0;
    /** Exit status: the target is unreachable or every request failed. */
    public static final int FAILED = 1;
    /** Exit status: bad command line. */
    public static final int USAGE = 2;

    private Emulator() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit status (0 ok, 1 unreachable or all failed, 2 bad usage). */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        EmulatorConfig config;
        try {
            config = parse(args);
        } catch (UsageException e) {
            err.println("rubis-emulator: " + e.getMessage());
            err.println("Try --help for the options.");
            return USAGE;
        }
        if (config == null) {
            out.print(usage());
            return OK;
        }
        try (HttpPageFetcher fetcher = new HttpPageFetcher(config.url(), config.requestTimeout())) {
            try {
                fetcher.fetch(State.HOME.path());
            } catch (IOException e) {
                err.println("rubis-emulator: cannot reach " + config.url() + ": " + describe(e));
                return FAILED;
            }
            err.printf(Locale.ROOT, "rubis-emulator: %s mix, %d clients, %s up-ramp + %s measurement + %s down-ramp, "
                            + "think time %s ms, scale %s, seed %d, target %s%n", config.mix().id(), config.clients(),
                    text(config.upRamp()), text(config.measurement()), text(config.downRamp()),
                    config.thinkMeanMs(), config.scale(), config.seed(), config.url());
            EmulatorResult result;
            try {
                result = run(config, fetcher, err);
            } catch (IOException e) {
                err.println("rubis-emulator: cannot write the results: " + describe(e));
                return FAILED;
            }
            out.print(result.toMarkdown());
            if (config.outDir() != null) {
                err.println("rubis-emulator: results in " + config.outDir().resolve(EmulatorConfig.JSON_FILE) + " and "
                        + config.outDir().resolve(EmulatorConfig.MARKDOWN_FILE));
            }
            long answered = result.totalPageRequests();
            long errors = result.phases().stream().mapToLong(PhaseResult::errors).sum();
            if (answered == 0 || errors >= answered) {
                err.println("rubis-emulator: every request failed");
                return FAILED;
            }
            return OK;
        }
    }

    /** Runs over HTTP against {@code config.url()}. */
    public static EmulatorResult run(EmulatorConfig config) throws IOException {
        try (HttpPageFetcher fetcher = new HttpPageFetcher(config.url(), config.requestTimeout())) {
            return run(config, fetcher);
        }
    }

    /**
     * Runs the emulator with the given fetcher: starts {@code config.clients()} virtual threads, runs
     * the three phases, stops the clients (interrupting them; waiting at most {@code stopGrace}),
     * and returns the statistics. Writes the JSON and markdown files when {@code config.outDir()} is
     * set. Blocks for about {@code config.total()}.
     */
    public static EmulatorResult run(EmulatorConfig config, PageFetcher fetcher) throws IOException {
        return run(config, fetcher, System.err);
    }

    static EmulatorResult run(EmulatorConfig config, PageFetcher fetcher, PrintStream progressOut) throws IOException {
        Population population = Population.ofScale(config.scale());
        TransitionTable table = TransitionTable.of(config.mix());
        SplittableRandom master = new SplittableRandom(config.seed());
        RunClock clock = new RunClock(System.nanoTime(), config.upRamp(), config.measurement(), config.downRamp(),
                config.upSlowdown(), config.downSlowdown());
        RunStats stats = new RunStats(clock);
        long retryDelayMs = config.retryDelay().toMillis();
        List<Thread> threads = new ArrayList<>(config.clients());
        Progress progress = config.progress()
                ? new Progress(clock, stats, progressOut, progressOut == System.err && Progress.stderrIsTerminal()).start() : null;
        try {
            for (int i = 0; i < config.clients(); i++) {
                SplittableRandom random = master.split();
                UserSession session = new UserSession(table, population, fetcher, random, stats,
                        config.maxSessionPages(), config.retries(), retryDelayMs, Thread::sleep);
                threads.add(Thread.ofVirtual().name("rubis-client-" + i)
                        .start(() -> clientLoop(session, random, clock, config.thinkMeanMs())));
            }
            // wait for the end of the down-ramp
            long remaining;
            while ((remaining = clock.endNanos() - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
            long deadline = System.nanoTime() + config.stopGrace().toNanos();
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (progress != null) {
                progress.close();
            }
        }
        EmulatorResult result = new EmulatorResult(config.url().toString(), config.mix().id(), config.clients(),
                config.thinkMeanMs(), config.scale(), config.seed(), List.of(
                stats.of(Phase.UP_RAMP).result(Phase.UP_RAMP, seconds(config.upRamp())),
                stats.of(Phase.MEASUREMENT).result(Phase.MEASUREMENT, seconds(config.measurement())),
                stats.of(Phase.DOWN_RAMP).result(Phase.DOWN_RAMP, seconds(config.downRamp()))));
        if (config.outDir() != null) {
            result.writeJson(config.outDir().resolve(EmulatorConfig.JSON_FILE));
            result.writeMarkdown(config.outDir().resolve(EmulatorConfig.MARKDOWN_FILE));
        }
        return result;
    }

    private static void clientLoop(UserSession session, SplittableRandom random, RunClock clock, double thinkMeanMs) {
        while (!Thread.currentThread().isInterrupted()) {
            if (clock.phase() == Phase.DONE) {
                return;
            }
            session.step();
            Phase p = clock.phase();
            if (p == Phase.DONE) {
                return;
            }
            long think = Math.round(ThinkTime.draw(random, thinkMeanMs) * clock.slowdown(p));
            try {
                if (think > 0) {
                    Thread.sleep(think);
                } else {
                    Thread.yield();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    // ---- command line

    /** A bad command line. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The command line: values are kept as given and checked by {@link #parse} so each error names its option. */
    @Command(name = "isohost bench rubis", usageHelpWidth = 100, sortOptions = false,
            description = "Runs the RUBiS client emulator against a running RUBiS application.",
            exitCodeListHeading = "Exit status:%n",
            exitCodeList = {"0:ok", "1:target unreachable or every request failed", "2:bad usage"})
    static final class Options {
        @Option(names = "--url", paramLabel = "BASE", description = "base URL of the application (default "
                + EmulatorConfig.DEFAULT_URL + ")")
        String url;
        @Option(names = "--mix", paramLabel = "MIX", description = "browsing or bidding (default browsing)")
        String mix;
        @Option(names = "--clients", paramLabel = "N", description = "emulated users, one virtual thread each (default 100)")
        String clients;
        @Option(names = "--duration", paramLabel = "D", description = "measurement window, e.g. 30s, 2m, 1h, 500ms (default 60s)")
        String duration;
        @Option(names = "--up-ramp", paramLabel = "D", description = "up-ramp, think times x2 (default 10%% of --duration)")
        String upRamp;
        @Option(names = "--down-ramp", paramLabel = "D", description = "down-ramp, think times x3 (default 5%% of --duration)")
        String downRamp;
        @Option(names = "--think-ms", paramLabel = "MS", description = "mean exponential think time in ms, 0 = stress (default 7000)")
        String thinkMs;
        @Option(names = "--scale", paramLabel = "S", description = "database scale the parameters are drawn for (default 0.01)")
        String scale;
        @Option(names = "--seed", paramLabel = "N", description = "random seed (default: time based, printed)")
        String seed;
        @Option(names = "--out", paramLabel = "DIR", description = "write rubis-emulator.json and rubis-emulator.md into DIR")
        String out;
        @Option(names = "--no-progress", description = "no progress line on stderr")
        boolean noProgress;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
        boolean help;
    }

    /** The help text. */
    public static String usage() {
        return new CommandLine(new Options()).getUsageMessage();
    }

    /** Parses the command line; null means --help. */
    static EmulatorConfig parse(String[] args) throws UsageException {
        Options o = new Options();
        CommandLine cli = new CommandLine(o);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (cli.isUsageHelpRequested()) {
            return null;
        }
        EmulatorConfig.Builder b = EmulatorConfig.builder();
        b.progress(!o.noProgress);
        if (o.url != null) {
            b.url(url(o.url));
        }
        if (o.mix != null) {
            try {
                b.mix(Mix.parse(o.mix));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mix: " + e.getMessage());
            }
        }
        if (o.clients != null) {
            long n = integer("--clients", o.clients);
            if (n < 1 || n > 1_000_000) {
                throw new UsageException("--clients must be between 1 and 1000000, got " + o.clients);
            }
            b.clients((int) n);
        }
        if (o.duration != null) {
            Duration d = duration("--duration", o.duration);
            if (d.isZero()) {
                throw new UsageException("--duration must be positive, got " + o.duration);
            }
            b.measurement(d);
        }
        if (o.upRamp != null) {
            b.upRamp(duration("--up-ramp", o.upRamp));
        }
        if (o.downRamp != null) {
            b.downRamp(duration("--down-ramp", o.downRamp));
        }
        if (o.thinkMs != null) {
            double ms = number("--think-ms", o.thinkMs);
            if (ms < 0) {
                throw new UsageException("--think-ms must be >= 0, got " + o.thinkMs);
            }
            b.thinkMeanMs(ms);
        }
        if (o.scale != null) {
            double sc = number("--scale", o.scale);
            if (!(sc > 0) || sc > 10) {
                throw new UsageException("--scale must be in (0, 10], got " + o.scale);
            }
            b.scale(sc);
        }
        if (o.seed != null) {
            b.seed(integer("--seed", o.seed));
        }
        if (o.out != null) {
            if (o.out.isBlank()) {
                throw new UsageException("--out needs a directory");
            }
            b.outDir(Path.of(o.out));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static URI url(String value) throws UsageException {
        try {
            URI u = new URI(value);
            if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
                throw new UsageException("--url must be an http(s) URL with a host, got '" + value + "'");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new UsageException("--url is not a valid URL: '" + value + "'");
        }
    }

    private static long integer(String name, String value) throws UsageException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got '" + value + "'");
        }
    }

    private static double number(String name, String value) throws UsageException {
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, got '" + value + "'");
        }
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or a plain number of seconds. */
    static Duration duration(String name, String value) throws UsageException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 2))));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(1000 * Double.parseDouble(v.substring(0, v.length() - 1))));
            } else if (v.endsWith("m")) {
                d = Duration.ofMillis(Math.round(60_000 * Double.parseDouble(v.substring(0, v.length() - 1))));
            } else if (v.endsWith("h")) {
                d = Duration.ofMillis(Math.round(3_600_000 * Double.parseDouble(v.substring(0, v.length() - 1))));
            } else {
                d = Duration.ofMillis(Math.round(1000 * Double.parseDouble(v)));
            }
            if (d.isNegative()) {
                throw new UsageException(name + " must not be negative, got '" + value + "'");
            }
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException(name + " needs a duration such as 30s, 2m, 1h or 500ms, got '" + value + "'");
        }
    }

    private static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

}
