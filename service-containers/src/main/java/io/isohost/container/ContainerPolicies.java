package io.isohost.container;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource policies a container is created with. Zero means "none" for each quota. Rates may
 * name any registered resource: {@code requests}, or an application's own such as {@code rubis.tx}.
 *
 * @param rates                     rate limits by resource name
 * @param cpuShare                  fraction of the host's CPU, (0, 1]
 * @param cpuGuarantee              fraction of the host's CPU kept for this container while it has work
 * @param maxConcurrency            requests admitted at once
 * @param allocationBytesPerSecond  heap allocation budget
 */
public record ContainerPolicies(Map<String, RateSpec> rates, double cpuShare, double cpuGuarantee,
                                int maxConcurrency, long allocationBytesPerSecond) {
    public static final ContainerPolicies NONE = new ContainerPolicies(Map.of(), 0, 0, 0, 0);

    public ContainerPolicies {
        rates = Map.copyOf(rates);
    }

    /** These policies with the rate on {@code resource} set to {@code perSecond} (0 removes it), its burst and wait kept. */
    public ContainerPolicies withRate(String resource, double perSecond) {
        Map<String, RateSpec> next = new LinkedHashMap<>(rates);
        if (perSecond == 0) {
            next.remove(resource);
        } else {
            RateSpec old = rates.get(resource);
            next.put(resource, old == null ? RateSpec.of(perSecond) : new RateSpec(perSecond, old.burst(), old.maxWait()));
        }
        return new ContainerPolicies(next, cpuShare, cpuGuarantee, maxConcurrency, allocationBytesPerSecond);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, RateSpec> rates = new LinkedHashMap<>();
        private double cpuShare;
        private double cpuGuarantee;
        private int maxConcurrency;
        private long allocation;

        public Builder rate(String resource, double perSecond) {
            rates.put(resource, RateSpec.of(perSecond));
            return this;
        }

        public Builder rate(String resource, RateSpec spec) {
            rates.put(resource, spec);
            return this;
        }

        public Builder cpuShare(double fraction) {
            this.cpuShare = fraction;
            return this;
        }

        public Builder cpuGuarantee(double fraction) {
            this.cpuGuarantee = fraction;
            return this;
        }

        public Builder maxConcurrency(int max) {
            this.maxConcurrency = max;
            return this;
        }

        public Builder allocationBytesPerSecond(long bytes) {
            this.allocation = bytes;
            return this;
        }

        public ContainerPolicies build() {
            return new ContainerPolicies(rates, cpuShare, cpuGuarantee, maxConcurrency, allocation);
        }
    }
}
