package io.isohost.rubis.db;

import io.isohost.rubis.Population;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * {@code isohost rubis load}: fills a RUBiS database over JDBC with a progress bar. By default it
 * loads the database of the RUBiS service running in the host whose data directory is
 * {@code --data} (default {@code .isohost}), found through the access file its database
 * component wrote ({@link DatabaseAccess#find}), as that database's administrator.
 * Exit codes: 0 loaded, 2 bad usage, 1 no database found, or the database refused or failed.
 */
@Command(name = "isohost rubis load", usageHelpWidth = 100, sortOptions = false,
        customSynopsis = {"isohost rubis load [--data DIR] [--component NAME] [--scale S] [--seed N]",
                "       isohost rubis load --db JDBC-URL --user U --password P [--scale S] [--seed N]"},
        description = "Fills a RUBiS database (emptied first) with a progress bar.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:loaded", "1:no database found, or the database refused or failed", "2:bad usage"})
public final class LoadMain {
    @Option(names = "--data", paramLabel = "DIR", description = {"the host's data directory (default .isohost; ./isohost "
            + "passes the one its other verbs find): the running RUBiS service's database is found there, in "
            + "DIR/services/*/components/NAME/rubis-database.properties"})
    Path data = Path.of(".isohost");
    @Option(names = "--component", paramLabel = "NAME", description = "the database component's name (default rubis-db)")
    String component = "rubis-db";
    @Option(names = "--db", paramLabel = "JDBC-URL", description = "a database named by hand instead (PostgreSQL), with --user and --password")
    String url;
    @Option(names = "--user", paramLabel = "U")
    String user = "";
    @Option(names = "--password", paramLabel = "P")
    String password = "";
    @Option(names = "--scale", paramLabel = "S", description = {"the papers' population times S: 1 = 1,000,000 users, "
            + "32,667 open and 500,000 closed auctions (default 0.01)"})
    double scale = 0.01;
    @Option(names = "--seed", paramLabel = "N", description = "random seed, for a reproducible database (default 1)")
    long seed = 1;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;

    private LoadMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    public static int run(String[] args, PrintStream err) {
        LoadMain o = new LoadMain();
        CommandLine cli = new CommandLine(o);
        try {
            cli.parseArgs(args);
            Population.ofScale(o.scale);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            err.println("rubis load: " + e.getMessage());
            err.print(cli.getUsageMessage());
            return 2;
        }
        if (cli.isUsageHelpRequested()) {
            err.print(cli.getUsageMessage());
            return 0;
        }
        return o.load(err);
    }

    private int load(PrintStream err) {
        DatabaseAccess access;
        if (url != null) {
            access = DatabaseAccess.of(url, user, password);
        } else {
            try {
                Path file = DatabaseAccess.find(data.resolve("services"), "*", component);
                access = DatabaseAccess.read(file);
                err.println("rubis load: the database of " + file.getParent());
            } catch (IOException e) {
                err.println("rubis load: " + e.getMessage());
                err.println("Is RUBiS submitted to a host running with --data " + data
                        + "? Otherwise name the host's data directory with --data DIR, or a database with --db URL --user U --password P.");
                return 1;
            }
        }
        Population p = Population.ofScale(scale);
        err.printf(Locale.ROOT, "loading RUBiS at scale %s into %s: %,d users, %,d open and %,d closed auctions%n",
                scale, access.url(), p.users(), p.activeItems(), p.oldItems());
        long t0 = System.nanoTime();
        ProgressBar bar = new ProgressBar(err, Loader.expectedRows(p));
        try (Connection c = access.connectAsAdmin()) {
            new Loader(c, p, seed, bar::update).load();
        } catch (SQLException e) {
            bar.done();
            err.println("rubis load: " + e.getMessage());
            return 1;
        }
        bar.done();
        err.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** One line redrawn in place on a terminal; a line every 10% otherwise. */
    static final class ProgressBar {
        private final PrintStream out;
        private final long total;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private int lastTenth = -1;

        ProgressBar(PrintStream out, long total) {
            this.out = out;
            this.total = Math.max(1, total);
        }

        void update(long rows) {
            double f = Math.min(1.0, rows / (double) total);
            double secs = (System.nanoTime() - start) / 1e9;
            String line = String.format(Locale.ROOT, "[%-30s] %3.0f%%  %,d rows  %.0f rows/s", "#".repeat((int) (f * 30)), f * 100, rows,
                    rows / Math.max(secs, 1e-3));
            if (terminal) {
                out.print("\r" + line);
                out.flush();
            } else if ((int) (f * 10) > lastTenth) {
                lastTenth = (int) (f * 10);
                out.println(line);
            }
        }

        void done() {
            if (terminal) {
                out.println();
            }
        }
    }
}
