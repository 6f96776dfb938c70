package io.isohost.rm.jmx;

import io.isohost.rm.ResourceDomain;
import io.isohost.rm.policy.CpuArbiter;
import io.isohost.rm.policy.CpuSharePolicy;
import io.isohost.rm.policy.MaxConcurrencyPolicy;
import io.isohost.rm.policy.RateLimitPolicy;

/**
 * Exposes one domain's usage and quotas. Writing a quota goes to the domain's {@link DomainQuotas}:
 * by default ({@link #direct}) it retunes the domain's policy of that kind, adds one if there is
 * none, or removes it when set to 0. Invalid values are refused with a message and change nothing.
 */
public final class DomainControl implements ResourceDomainMXBean {
    private final ResourceDomain domain;
    private final DomainQuotas quotas;

    /** A bean whose writes change the domain's policies directly. */
    public DomainControl(ResourceDomain domain, CpuArbiter arbiter) {
        this(domain, direct(domain, arbiter));
    }

    /** A bean whose writes go to {@code quotas}. */
    public DomainControl(ResourceDomain domain, DomainQuotas quotas) {
        this.domain = domain;
        this.quotas = quotas;
    }

    public ResourceDomain domain() {
        return domain;
    }

    @Override
    public String getName() {
        return domain.name();
    }

    @Override
    public String getResource() {
        return domain.resource().name();
    }

    @Override
    public String getUnit() {
        return domain.resource().unit();
    }

    @Override
    public long getConsumed() {
        return domain.usage().consumed();
    }

    @Override
    public long getCharged() {
        return domain.usage().charged();
    }

    @Override
    public long getInUse() {
        return domain.usage().inUse();
    }

    @Override
    public long getWaits() {
        return domain.usage().waits();
    }

    @Override
    public long getWaitMillis() {
        return domain.usage().waitMillis();
    }

    @Override
    public long getDenials() {
        return domain.usage().denials();
    }

    @Override
    public String[] getPolicies() {
        return domain.policies().stream().map(p -> p.describe()).toArray(String[]::new);
    }

    @Override
    public double getRateLimit() {
        return domain.policy(RateLimitPolicy.class).map(RateLimitPolicy::rate).orElse(0.0);
    }

    @Override
    public void setRateLimit(double perSecond) {
        quotas.setRateLimit(perSecond);
    }

    @Override
    public double getCpuShare() {
        return domain.policy(CpuSharePolicy.class).map(CpuSharePolicy::share).orElse(0.0);
    }

    @Override
    public void setCpuShare(double fraction) {
        quotas.setCpuShare(fraction);
    }

    @Override
    public int getMaxConcurrency() {
        return domain.policy(MaxConcurrencyPolicy.class).map(MaxConcurrencyPolicy::max).orElse(0);
    }

    @Override
    public void setMaxConcurrency(int max) {
        quotas.setMaxConcurrency(max);
    }

    /**
     * Writes that change the domain's policies in place, under the domain's lock: each retunes the
     * domain's policy of its kind, adds one if there is none, or removes it when set to 0.
     */
    public static DomainQuotas direct(ResourceDomain domain, CpuArbiter arbiter) {
        return new DomainQuotas() {
            @Override
            public void setRateLimit(double perSecond) {
                domain.setPolicy(RateLimitPolicy.class, perSecond == 0 ? null
                        : RateLimitPolicy.perSecond(perSecond).ticker(domain.ticker()).build(), p -> p.setRate(perSecond));
            }

            @Override
            public void setCpuShare(double fraction) {
                if (fraction != 0 && arbiter == null) {
                    throw new IllegalArgumentException("domain '" + domain.name() + "' has no CPU arbiter; a CPU share cannot be set here");
                }
                domain.setPolicy(CpuSharePolicy.class, fraction == 0 ? null : CpuSharePolicy.share(fraction, arbiter).build(),
                        p -> p.setShare(fraction));
            }

            @Override
            public void setMaxConcurrency(int max) {
                domain.setPolicy(MaxConcurrencyPolicy.class, max == 0 ? null : new MaxConcurrencyPolicy(max), p -> p.setMax(max));
            }
        };
    }
}
