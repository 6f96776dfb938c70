package io.isohost.rubis.client;

import java.time.Duration;

/** The phase boundaries of a run, measured on {@link System#nanoTime()} from its start. */
final class RunClock {

    private final long start;
    private final long upEnd;
    private final long measureEnd;
    private final long downEnd;
    private final double upSlowdown;
    private final double downSlowdown;

    RunClock(long startNanos, Duration up, Duration measurement, Duration down, double upSlowdown, double downSlowdown) {
        this.start = startNanos;
        this.upEnd = up.toNanos();
        this.measureEnd = upEnd + measurement.toNanos();
        this.downEnd = measureEnd + down.toNanos();
        this.upSlowdown = upSlowdown;
        this.downSlowdown = downSlowdown;
    }

    Phase phase() {
        return phaseAt(System.nanoTime());
    }

    Phase phaseAt(long nanos) {
        long t = nanos - start;
        if (t < upEnd) {
            return Phase.UP_RAMP;
        }
        if (t < measureEnd) {
            return Phase.MEASUREMENT;
        }
        return t < downEnd ? Phase.DOWN_RAMP : Phase.DONE;
    }

    /** The think-time factor of a phase. */
    double slowdown(Phase p) {
        return switch (p) {
            case UP_RAMP -> upSlowdown;
            case DOWN_RAMP -> downSlowdown;
            default -> 1;
        };
    }

    long elapsedNanos() {
        return System.nanoTime() - start;
    }

    long totalNanos() {
        return downEnd;
    }

    /** Nanos (on the nanoTime scale) at which the down-ramp ends. */
    long endNanos() {
        return start + downEnd;
    }
}
