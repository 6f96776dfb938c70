package io.isohost.rm.policy;

import io.isohost.rm.Constraint;
import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Decision;
import io.isohost.rm.ResourceDomain;

import java.util.Locale;

/**
 * Keeps a minimum fraction of the host's CPU for one container (attach it to the container's
 * {@code cpu-time} domain): while the container has work, the {@link CpuArbiter} holds that much
 * back from every other container's {@link CpuSharePolicy}. It never delays its own container.
 */
public final class CpuGuaranteePolicy implements Constraint {
    private final CpuArbiter arbiter;
    private volatile double fraction;
    private volatile ResourceDomain domain;
    private volatile long lastDemand = Long.MIN_VALUE;

    public CpuGuaranteePolicy(CpuArbiter arbiter, double fraction) {
        this.arbiter = arbiter;
        this.fraction = CpuSharePolicy.checkShare(fraction);
        arbiter.add(this, fraction);
    }

    @Override
    public Decision check(ConsumeEvent event) {
        domain = event.domain();
        lastDemand = event.nanoTime();
        return Decision.grant();
    }

    @Override
    public void charged(ConsumeEvent event) {
        domain = event.domain();
        lastDemand = event.nanoTime();
    }

    boolean inDemand(long now) {
        return lastDemand != Long.MIN_VALUE && now - lastDemand < CpuArbiter.DEMAND_WINDOW_NANOS;
    }

    ResourceDomain domain() {
        return domain;
    }

    public double fraction() {
        return fraction;
    }

    public synchronized void setFraction(double newFraction) {
        CpuSharePolicy.checkShare(newFraction);
        arbiter.add(this, newFraction);
        fraction = newFraction;
    }

    /** Gives the guarantee back to the host; call when the policy is removed for good. */
    public void release() {
        arbiter.remove(this);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "cpu-guarantee %.0f%%", fraction * 100);
    }
}
