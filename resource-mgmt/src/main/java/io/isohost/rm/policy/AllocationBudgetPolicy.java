package io.isohost.rm.policy;

import io.isohost.rm.Ticker;
import io.isohost.rm.internal.DebtBucket;

import java.time.Duration;

/**
 * Holds a container to a number of heap bytes allocated per second. Attach it to the container's
 * {@code heap-allocation} domain: work is admitted with a zero-quantity consume and charged its
 * measured allocation when it ends; new work waits while the container is over budget.
 */
public final class AllocationBudgetPolicy extends PostPaidBudget {
    private final Ticker ticker;
    private volatile long bytesPerSecond;

    public AllocationBudgetPolicy(long bytesPerSecond) {
        this(bytesPerSecond, Ticker.SYSTEM);
    }

    public AllocationBudgetPolicy(long bytesPerSecond, Ticker ticker) {
        super(new DebtBucket(checkBudget(bytesPerSecond), bytesPerSecond, ticker.nanoTime()), 100_000_000L,
                Duration.ofSeconds(30));
        this.ticker = ticker;
        this.bytesPerSecond = bytesPerSecond;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public void setBytesPerSecond(long budget) {
        checkBudget(budget);
        bytesPerSecond = budget;
        bucket.retune(budget, budget, ticker.nanoTime());
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
