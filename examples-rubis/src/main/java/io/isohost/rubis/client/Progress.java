package io.isohost.rubis.client;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line on stderr every second: phase, elapsed/total, pages, current pages/s and errors.
 * On a terminal the line is rewritten in place; otherwise plain lines are printed.
 */
final class Progress implements AutoCloseable {

    private final RunClock clock;
    private final RunStats stats;
    private final PrintStream out;
    private final boolean terminal;
    private final Thread thread;
    private volatile boolean running = true;
    private int lastWidth;

    Progress(RunClock clock, RunStats stats, PrintStream out, boolean terminal) {
        this.clock = clock;
        this.stats = stats;
        this.out = out;
        this.terminal = terminal;
        this.thread = Thread.ofPlatform().daemon().name("rubis-emulator-progress").unstarted(this::loop);
    }

    /** True when stderr is (most likely) a terminal. */
    static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    Progress start() {
        thread.start();
        return this;
    }

    private void loop() {
        long lastPages = 0;
        long lastTime = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                break;
            }
            long now = System.nanoTime();
            long pages = stats.pages();
            double rate = (pages - lastPages) * 1e9 / Math.max(1, now - lastTime);
            lastPages = pages;
            lastTime = now;
            print(line(pages, rate));
        }
    }

    private String line(long pages, double rate) {
        Phase p = clock.phaseAt(System.nanoTime());
        return String.format(Locale.ROOT, "rubis %-11s %s/%s  requests %d  %.1f req/s  errors %d", p.id(),
                mmss(clock.elapsedNanos()), mmss(clock.totalNanos()), pages, rate, stats.errors());
    }

    private synchronized void print(String line) {
        if (terminal) {
            String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
            out.print("\r" + line + pad);
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String mmss(long nanos) {
        long s = Math.max(0, nanos / 1_000_000_000L);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (terminal && lastWidth > 0) {
                out.println();
                out.flush();
            }
        }
    }
}
