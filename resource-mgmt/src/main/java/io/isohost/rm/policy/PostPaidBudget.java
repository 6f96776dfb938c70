package io.isohost.rm.policy;

import io.isohost.rm.Constraint;
import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;
import io.isohost.rm.internal.DebtBucket;

import java.time.Duration;

/**
 * What the CPU share and the allocation budget have in common: usage is charged after the fact,
 * and new work is admitted only while the owner is not in debt.
 */
abstract sealed class PostPaidBudget implements Constraint permits CpuSharePolicy, AllocationBudgetPolicy {
    final DebtBucket bucket;
    private final long maxRetryNanos;
    private volatile long maxWaitNanos;

    PostPaidBudget(DebtBucket bucket, long maxRetryNanos, Duration maxWait) {
        this.bucket = bucket;
        this.maxRetryNanos = maxRetryNanos;
        this.maxWaitNanos = maxWait.toNanos();
    }

    @Override
    public Decision check(ConsumeEvent event) {
        long wait = bucket.nanosUntilSolvent(event.nanoTime());
        return wait == 0 ? Decision.grant() : Decision.retryAfter(Math.min(wait, maxRetryNanos));
    }

    @Override
    public void charged(ConsumeEvent event) {
        bucket.charge(event.quantity(), event.nanoTime());
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    /** How long work may wait for the budget before it is refused. */
    public void setMaxWait(Duration wait) {
        maxWaitNanos = wait.toNanos();
    }
}
