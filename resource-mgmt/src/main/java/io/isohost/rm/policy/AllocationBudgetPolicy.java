package io.isohost.rm.policy;

import io.isohost.rm.Constraint;
import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;
import io.isohost.rm.Ticker;
import io.isohost.rm.internal.DebtBucket;

import java.time.Duration;

/**
 * Holds a container to a number of heap bytes allocated per second. Attach it to the container's
 * {@code heap-allocation} domain: work is admitted with a zero-quantity consume and charged its
 * measured allocation when it ends; new work waits while the container is over budget.
 */
public final class AllocationBudgetPolicy implements Constraint {
    private final DebtBucket bucket;
    private final Ticker ticker;
    private volatile long bytesPerSecond;
    private volatile long maxWaitNanos = Duration.ofSeconds(30).toNanos();

    public AllocationBudgetPolicy(long bytesPerSecond) {
        this(bytesPerSecond, Ticker.SYSTEM);
    }

    public AllocationBudgetPolicy(long bytesPerSecond, Ticker ticker) {
        this.ticker = ticker;
        this.bytesPerSecond = checkBudget(bytesPerSecond);
        this.bucket = new DebtBucket(bytesPerSecond, bytesPerSecond, ticker.nanoTime());
    }

    @Override
    public Decision check(ConsumeEvent event) {
        long wait = bucket.nanosUntilSolvent(event.nanoTime());
        return wait == 0 ? Decision.grant() : Decision.retryAfter(Math.min(wait, 100_000_000L));
    }

    @Override
    public void charged(ConsumeEvent event) {
        bucket.charge(event.quantity(), event.nanoTime());
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public void setBytesPerSecond(long budget) {
        checkBudget(budget);
        bytesPerSecond = budget;
        bucket.retune(budget, budget, ticker.nanoTime());
    }

    public void setMaxWait(Duration wait) {
        maxWaitNanos = wait.toNanos();
    }

    @Override
    public String describe() {
        return "allocation-budget " + bytesPerSecond + " B/s";
    }

    private static long checkBudget(long budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("an allocation budget is at least 1 byte per second: " + budget);
        }
        return budget;
    }
}
