package io.isohost.rm.policy;

import io.isohost.rm.Constraint;
import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;

import java.time.Duration;

/**
 * At most {@code max} units admitted at once; the rest wait (up to the maximum wait) for admitted
 * work to end. Use it with {@code ResourceDomain.admit}, whose close ends the work.
 */
public final class MaxConcurrencyPolicy implements Constraint {
    private volatile int max;
    private volatile long maxWaitNanos;
    private int inFlight;

    public MaxConcurrencyPolicy(int max) {
        this(max, Duration.ofSeconds(10));
    }

    public MaxConcurrencyPolicy(int max, Duration maxWait) {
        this.max = checkMax(max);
        this.maxWaitNanos = maxWait.toNanos();
    }

    @Override
    public synchronized Decision check(ConsumeEvent event) {
        if (inFlight + event.quantity() <= max) {
            inFlight += (int) event.quantity();
            return Decision.grant();
        }
        return Decision.retryAfter(50_000_000L); // woken early when work is released
    }

    @Override
    public synchronized void rollback(ConsumeEvent event) {
        inFlight -= (int) event.quantity();
    }

    @Override
    public synchronized void released(ConsumeEvent event) {
        inFlight = Math.max(0, inFlight - (int) event.quantity());
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    public int max() {
        return max;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public void setMax(int newMax) {
        max = checkMax(newMax);
    }

    public void setMaxWait(Duration wait) {
        maxWaitNanos = wait.toNanos();
    }

    @Override
    public String describe() {
        return "max-concurrency " + max;
    }

    private static int checkMax(int max) {
        if (max < 1 || max > 1_000_000) {
            throw new IllegalArgumentException("maximum concurrency must be between 1 and 1000000: " + max);
        }
        return max;
    }
}
