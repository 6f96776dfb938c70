package io.isohost.rubis.client;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The statistics of a whole run: one {@link PhaseStats} per phase, chosen by the clock when each
 * event completes. Events after the down-ramp are discarded. Also keeps run-wide running totals
 * for the progress line.
 */
final class RunStats implements StatsSink {

    private final RunClock clock;
    private final Map<Phase, PhaseStats> phases = new EnumMap<>(Phase.class);
    private final LongAdder pages = new LongAdder();
    private final LongAdder errors = new LongAdder();

    RunStats(RunClock clock) {
        this.clock = clock;
        phases.put(Phase.UP_RAMP, new PhaseStats());
        phases.put(Phase.MEASUREMENT, new PhaseStats());
        phases.put(Phase.DOWN_RAMP, new PhaseStats());
    }

    PhaseStats of(Phase p) {
        return phases.get(p);
    }

    long pages() {
        return pages.sum();
    }

    long errors() {
        return errors.sum();
    }

    private PhaseStats now() {
        return phases.get(clock.phase());
    }

    @Override
    public void page(State state, long latencyNanos, boolean error) {
        PhaseStats s = now();
        if (s != null) {
            s.page(state, latencyNanos, error);
            pages.increment();
            if (error) {
                errors.increment();
            }
        }
    }

    @Override
    public void failed(State state) {
        PhaseStats s = now();
        if (s != null) {
            s.failed(state);
            errors.increment();
        }
    }

    @Override
    public void connectionFailure() {
        PhaseStats s = now();
        if (s != null) {
            s.connectionFailure();
        }
    }

    @Override
    public void back() {
        PhaseStats s = now();
        if (s != null) {
            s.back();
        }
    }

    @Override
    public void end() {
        PhaseStats s = now();
        if (s != null) {
            s.end();
        }
    }

    @Override
    public void sorry() {
        PhaseStats s = now();
        if (s != null) {
            s.sorry();
        }
    }

    @Override
    public void sessionStarted() {
        PhaseStats s = now();
        if (s != null) {
            s.sessionStarted();
        }
    }
}
