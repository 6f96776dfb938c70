package io.isohost.rm.policy;

import io.isohost.rm.Constraint;
import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;
import io.isohost.rm.Ticker;

import java.time.Duration;
import java.util.Locale;

/**
 * A token bucket: {@code perSecond} units a second with bursts up to {@code burst}. A consume that
 * finds too few tokens takes its place in line (the bucket goes into debt) and waits its turn,
 * unless its turn is further away than {@code maxWait}, in which case it is denied.
 */
public final class RateLimitPolicy implements Constraint {
    /** Above this a "rate" is surely a mistake in units rather than a limit. */
    public static final double MAX_RATE = 1e9;

    private final Ticker ticker;
    private double perSecond;
    private double burst;
    private long maxWaitNanos;
    private double tokens;
    private long last;

    private RateLimitPolicy(Builder b) {
        this.ticker = b.ticker;
        this.perSecond = checkRate(b.perSecond);
        this.burst = checkBurst(b.burst);
        this.maxWaitNanos = checkWait(b.maxWait);
        this.tokens = burst;
        this.last = ticker.nanoTime();
    }

    public static Builder perSecond(double rate) {
        return new Builder(rate);
    }

    @Override
    public synchronized Decision check(ConsumeEvent event) {
        refill(event.nanoTime());
        long q = event.quantity();
        if (tokens >= q) {
            tokens -= q;
            return Decision.grant();
        }
        long wait = (long) Math.ceil((q - tokens) / perSecond * 1e9);
        if (wait > maxWaitNanos) {
            return Decision.deny(String.format(Locale.ROOT,
                    "rate limit %s/s reached; the next slot is %d ms away, over the maximum wait of %d ms",
                    fmt(perSecond), wait / 1_000_000, maxWaitNanos / 1_000_000));
        }
        tokens -= q;
        return Decision.grantAfter(wait);
    }

    @Override
    public synchronized void rollback(ConsumeEvent event) {
        tokens = Math.min(burst, tokens + event.quantity());
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    public synchronized double rate() {
        return perSecond;
    }

    public synchronized double burst() {
        return burst;
    }

    public synchronized Duration maxWait() {
        return Duration.ofNanos(maxWaitNanos);
    }

    /** Retunes the rate; tokens already earned are kept. */
    public synchronized void setRate(double newRate) {
        checkRate(newRate);
        refill(ticker.nanoTime());
        perSecond = newRate;
    }

    public synchronized void setBurst(double newBurst) {
        checkBurst(newBurst);
        refill(ticker.nanoTime());
        burst = newBurst;
        tokens = Math.min(tokens, burst);
    }

    public synchronized void setMaxWait(Duration wait) {
        maxWaitNanos = checkWait(wait);
    }

    @Override
    public synchronized String describe() {
        return "rate-limit " + fmt(perSecond) + "/s burst " + fmt(burst) + " max-wait " + maxWaitNanos / 1_000_000 + "ms";
    }

    private void refill(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
            last = now;
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double checkRate(double rate) {
        if (!(rate > 0) || rate > MAX_RATE || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be above 0 and at most " + (long) MAX_RATE + " per second: " + rate);
        }
        return rate;
    }

    private static double checkBurst(double burst) {
        if (!(burst >= 1) || Double.isInfinite(burst)) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        return burst;
    }

    private static long checkWait(Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("maximum wait must not be negative: " + wait);
        }
        return wait.compareTo(Duration.ofDays(1)) > 0 ? Long.MAX_VALUE : wait.toNanos();
    }

    public static final class Builder {
        private final double perSecond;
        private double burst = 1;
        private Duration maxWait = Duration.ofSeconds(5);
        private Ticker ticker = Ticker.SYSTEM;

        private Builder(double perSecond) {
            this.perSecond = perSecond;
        }

        /** Units that may pass at once after a quiet spell; default 1 (strict pacing). */
        public Builder burst(double burst) {
            this.burst = burst;
            return this;
        }

        /** How long a consume may wait for its slot before it is denied; default 5 s. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        public RateLimitPolicy build() {
            return new RateLimitPolicy(this);
        }
    }
}
