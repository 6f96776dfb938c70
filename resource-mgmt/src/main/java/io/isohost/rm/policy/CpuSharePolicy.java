package io.isohost.rm.policy;

import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;
import io.isohost.rm.internal.DebtBucket;

import java.time.Duration;
import java.util.Locale;

/**
 * Holds a container to a fraction of the host's CPU over a window. Attach it to the container's
 * {@code cpu-time} domain: each unit of work is admitted with a zero-quantity consume and charged
 * its measured CPU time when it ends; new work waits while the container has used more than its
 * share. With an arbiter, the share also yields to other containers' guarantees.
 */
public final class CpuSharePolicy extends PostPaidBudget {
    private final CpuArbiter arbiter;
    private final long windowNanos;
    private volatile double share;
    private volatile double effective;

    private CpuSharePolicy(Builder b) {
        super(new DebtBucket(b.share * b.arbiter.cores() * 1e9, b.share * b.arbiter.cores() * b.window.toNanos(),
                b.arbiter.ticker().nanoTime()), b.window.toNanos(), b.maxWait);
        this.arbiter = b.arbiter;
        this.share = checkShare(b.share);
        this.windowNanos = b.window.toNanos();
        this.effective = share;
    }

    public static Builder share(double fraction, CpuArbiter arbiter) {
        return new Builder(fraction, arbiter);
    }

    @Override
    public Decision check(ConsumeEvent event) {
        long now = event.nanoTime();
        double cap = Math.min(share, arbiter.capFor(event.domain()));
        if (cap != effective) {
            effective = cap;
            bucket.retune(rateFor(Math.max(cap, 1e-6)), burstFor(Math.max(cap, 1e-6)), now);
        }
        return super.check(event);
    }

    public double share() {
        return share;
    }

    /** The share in force now, lowered below {@link #share()} while other containers' guarantees are in demand. */
    public double effectiveShare() {
        return effective;
    }

    public void setShare(double fraction) {
        checkShare(fraction);
        share = fraction;
        effective = fraction;
        bucket.retune(rateFor(fraction), burstFor(fraction), arbiter.ticker().nanoTime());
    }

    private double rateFor(double fraction) {
        return fraction * arbiter.cores() * 1e9; // CPU-ns per wall-second
    }

    private double burstFor(double fraction) {
        return rateFor(fraction) * windowNanos / 1e9;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "cpu-share %.0f%% of %d cores over %d ms", share * 100,
                arbiter.cores(), windowNanos / 1_000_000);
    }

    static double checkShare(double fraction) {
        if (!(fraction > 0) || fraction > 1.0) {
            throw new IllegalArgumentException("a CPU share is a fraction of the host above 0 and at most 1: " + fraction);
        }
        return fraction;
    }

    public static final class Builder {
        private final double share;
        private final CpuArbiter arbiter;
        private Duration window = Duration.ofMillis(100);
        private Duration maxWait = Duration.ofSeconds(30);

        private Builder(double share, CpuArbiter arbiter) {
            this.share = share;
            this.arbiter = arbiter;
        }

        /** How much unused share an idle container may spend at once; default 100 ms. */
        public Builder window(Duration window) {
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive: " + window);
            }
            this.window = window;
            return this;
        }

        /** How long work may wait for CPU before it is refused; default 30 s. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        public CpuSharePolicy build() {
            return new CpuSharePolicy(this);
        }
    }
}
