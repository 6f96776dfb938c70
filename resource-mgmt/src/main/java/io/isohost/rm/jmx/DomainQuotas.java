package io.isohost.rm.jmx;

/**
 * Where a domain bean's quota writes go. The domain's own ({@link DomainControl#direct}) changes
 * its policies in place; a container that owns the domain passes one that goes through its policy
 * set, so that a JMX write and any other change are one operation under one lock.
 */
public interface DomainQuotas {
    /** 0 removes the rate limit. */
    void setRateLimit(double perSecond);

    /** 0 removes the CPU share. */
    void setCpuShare(double fraction);

    /** 0 removes the concurrency limit. */
    void setMaxConcurrency(int max);
}
