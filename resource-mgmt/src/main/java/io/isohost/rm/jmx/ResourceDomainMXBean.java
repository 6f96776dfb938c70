package io.isohost.rm.jmx;

/**
 * A resource domain as JMX shows it: usage to read, quotas to read and write. A quota of 0 (or
 * less than 0 for the CPU share) means "no such policy"; setting one adds, retunes or removes
 * the policy at once.
 */
public interface ResourceDomainMXBean {
    String getName();

    String getResource();

    String getUnit();

    long getConsumed();

    long getCharged();

    long getInUse();

    long getWaits();

    long getWaitMillis();

    long getDenials();

    String[] getPolicies();

    /** Units per second, or 0 when the domain has no rate limit. */
    double getRateLimit();

    void setRateLimit(double perSecond);

    /** Fraction of the host's CPU (0–1], or 0 when the domain has no CPU share. */
    double getCpuShare();

    void setCpuShare(double fraction);

    /** Maximum concurrent units, or 0 when unlimited. */
    int getMaxConcurrency();

    void setMaxConcurrency(int max);
}
