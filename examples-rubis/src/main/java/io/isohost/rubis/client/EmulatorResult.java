package io.isohost.rubis.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a run: the configuration used and one {@link PhaseResult} per phase. The reported
 * numbers are the {@link #measurement()} window's; the ramps are kept for reference.
 *
 * @param url            the target's base URL
 * @param mix            {@code browsing} or {@code bidding}
 * @param clients        emulated users
 * @param thinkMeanMs    mean think time (0: stress)
 * @param scale          database scale the request parameters were drawn for
 * @param seed           the random seed (re-run with it to repeat the same choices)
 * @param phases         up-ramp, measurement, down-ramp, in that order
 */
public record EmulatorResult(String url, String mix, int clients, double thinkMeanMs, double scale, long seed,
                             List<PhaseResult> phases) {

    public EmulatorResult {
        phases = List.copyOf(phases);
    }

    /** The measurement window's statistics. */
    public PhaseResult measurement() {
        return phase(Phase.MEASUREMENT);
    }

    public PhaseResult phase(Phase p) {
        for (PhaseResult r : phases) {
            if (r.phase().equals(p.id())) {
                return r;
            }
        }
        throw new IllegalArgumentException("no phase " + p);
    }

    /** Pages answered in all phases together. */
    public long totalPageRequests() {
        return phases.stream().mapToLong(PhaseResult::pageRequests).sum();
    }

    /** Writes this result as pretty-printed JSON (creating parent directories). */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson());
    }

    /** This result as JSON. */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #toMarkdown()} to a file (creating parent directories). */
    public void writeMarkdown(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toMarkdown());
    }

    /** The measurement window as a markdown table, followed by totals, throughput and per-phase totals. */
    public String toMarkdown() {
        PhaseResult m = measurement();
        StringBuilder sb = new StringBuilder();
        sb.append("## RUBiS client emulator: ").append(mix).append(" mix, ").append(clients).append(" clients\n\n");
        sb.append(String.format(Locale.ROOT, "Target %s, think time mean %s ms, database scale %s, seed %d; "
                + "measurement window %.1f s.%n%n", url, num(thinkMeanMs), num(scale), seed, m.seconds()));
        sb.append("| Interaction | Count | Share % | Errors | p50 ms | p90 ms | p99 ms | max ms |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (InteractionResult r : m.interactions()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %d | %.2f | %.2f | %.2f | %.2f |%n",
                    r.state(), r.count(), r.sharePct(), r.errors(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.maxMs()));
        }
        sb.append(String.format(Locale.ROOT, "| **Total** | **%d** | 100.00 | **%d** | %.2f | %.2f | %.2f | %.2f |%n%n",
                m.pageRequests(), m.errors(), m.p50Ms(), m.p90Ms(), m.p99Ms(), m.maxMs()));
        sb.append(String.format(Locale.ROOT, "- **Throughput (real page requests): %.1f req/s** (%.0f per minute)%n",
                m.pagesPerSecond(), m.pagesPerSecond() * 60));
        sb.append(String.format(Locale.ROOT, "- Throughput as the original emulator counts it (pages + %d Back + %d "
                + "End-of-Session pseudo-steps): %.1f interactions/s (%.0f per minute)%n",
                m.backSteps(), m.endOfSessionSteps(), m.originalPerSecond(), m.originalPerSecond() * 60));
        sb.append(String.format(Locale.ROOT, "- Sessions started %d, \"Sorry\" pages %d, failed connection attempts %d%n%n",
                m.sessionsStarted(), m.sorryPages(), m.connectionFailures()));
        sb.append("| Phase | Seconds | Pages | Errors | Pages/s | Original count/s |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (PhaseResult p : phases) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %d | %d | %.1f | %.1f |%n", p.phase(), p.seconds(),
                    p.pageRequests(), p.errors(), p.pagesPerSecond(), p.originalPerSecond()));
        }
        return sb.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
