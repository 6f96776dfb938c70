package io.isohost.rubis.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Thread-safe statistics of one phase: per-state counts, errors and latency histograms. */
final class PhaseStats implements StatsSink {

    private final LongAdder[] pages = new LongAdder[State.COUNT];
    private final LongAdder[] errors = new LongAdder[State.COUNT];
    /** Latency of each answered page (including its images) in microseconds. */
    private final ConcurrentHistogram[] latency = new ConcurrentHistogram[State.COUNT];
    private final ConcurrentHistogram total = new ConcurrentHistogram(3);
    private final LongAdder back = new LongAdder();
    private final LongAdder end = new LongAdder();
    private final LongAdder sorry = new LongAdder();
    private final LongAdder sessions = new LongAdder();
    private final LongAdder connectionFailures = new LongAdder();

    PhaseStats() {
        for (int i = 0; i < State.COUNT; i++) {
            pages[i] = new LongAdder();
            errors[i] = new LongAdder();
            latency[i] = new ConcurrentHistogram(3);
        }
    }

    @Override
    public void page(State state, long latencyNanos, boolean error) {
        int i = state.ordinal();
        pages[i].increment();
        if (error) {
            errors[i].increment();
        }
        long us = Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNanos));
        latency[i].recordValue(us);
        total.recordValue(us);
    }

    @Override
    public void failed(State state) {
        errors[state.ordinal()].increment();
    }

    @Override
    public void connectionFailure() {
        connectionFailures.increment();
    }

    @Override
    public void back() {
        back.increment();
    }

    @Override
    public void end() {
        end.increment();
    }

    @Override
    public void sorry() {
        sorry.increment();
    }

    @Override
    public void sessionStarted() {
        sessions.increment();
    }

    long pages(State s) {
        return pages[s.ordinal()].sum();
    }

    long errors(State s) {
        return errors[s.ordinal()].sum();
    }

    long totalPages() {
        long n = 0;
        for (LongAdder a : pages) {
            n += a.sum();
        }
        return n;
    }

    long totalErrors() {
        long n = 0;
        for (LongAdder a : errors) {
            n += a.sum();
        }
        return n;
    }

    /** A snapshot of this phase, with rates over {@code seconds}. */
    PhaseResult result(Phase phase, double seconds) {
        long all = totalPages();
        List<InteractionResult> rows = new ArrayList<>();
        for (State s : State.values()) {
            Histogram h = latency[s.ordinal()].copy();
            long n = pages[s.ordinal()].sum();
            rows.add(new InteractionResult(s.label(), n, all == 0 ? 0 : 100.0 * n / all, errors[s.ordinal()].sum(),
                    ms(h, 50), ms(h, 90), ms(h, 99), h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0));
        }
        Histogram t = total.copy();
        long b = back.sum();
        long e = end.sum();
        double secs = Math.max(seconds, 1e-9);
        return new PhaseResult(phase.id(), seconds, all, totalErrors(), connectionFailures.sum(), sorry.sum(),
                sessions.sum(), b, e, all + b + e, all / secs, (all + b + e) / secs,
                ms(t, 50), ms(t, 90), ms(t, 99), t.getTotalCount() == 0 ? 0 : t.getMaxValue() / 1000.0, rows);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
