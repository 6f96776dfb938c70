package io.isohost.container;

/**
 * One quota an operator sets on a container (the CLI, the admin API and JMX all speak these).
 * A value of 0 removes that policy.
 */
public sealed interface Quota {
    /** The policy set with this quota changed and everything else kept. */
    ContainerPolicies applyTo(ContainerPolicies policies);

    /** A rate quota on one resource, per second; an existing burst and maximum wait are kept. */
    record Rate(String resource, double perSecond) implements Quota {
        public Rate {
            if (resource == null || resource.isBlank()) {
                throw new IllegalArgumentException("a rate quota names its resource");
            }
        }

        @Override
        public ContainerPolicies applyTo(ContainerPolicies p) {
            return p.withRate(resource, perSecond);
        }
    }

    /** The fraction of the host's CPU, (0, 1]. */
    record CpuShare(double fraction) implements Quota {
        @Override
        public ContainerPolicies applyTo(ContainerPolicies p) {
            return new ContainerPolicies(p.rates(), fraction, p.cpuGuarantee(), p.maxConcurrency(), p.allocationBytesPerSecond());
        }
    }

    /** Requests admitted at once. */
    record MaxConcurrency(int max) implements Quota {
        @Override
        public ContainerPolicies applyTo(ContainerPolicies p) {
            return new ContainerPolicies(p.rates(), p.cpuShare(), p.cpuGuarantee(), max, p.allocationBytesPerSecond());
        }
    }
}
