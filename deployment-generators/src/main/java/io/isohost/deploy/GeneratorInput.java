package io.isohost.deploy;

import io.isohost.descriptor.Allocation;
import io.isohost.descriptor.ServiceDescriptor;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything a generator decides from. The time is part of the input, so a generator that reasons
 * about time (grace periods, cool-downs) is a function of its input and tests need no clock.
 *
 * @param service      the service: its components, SLAs and current allocation
 * @param performance  what it did over the last window
 * @param current      the deployment in force ({@link Deployment#empty} before the first)
 * @param now          when the performance window ended
 * @param dryRun       true when the caller only wants to see the answer: a generator then keeps no memory of it
 */
public record GeneratorInput(ServiceDescriptor service, PerformanceData performance, Deployment current, Instant now,
                             boolean dryRun) {
    public GeneratorInput {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(performance, "performance");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(now, "now");
    }

    /** A first-time input: no deployment yet and no performance data. */
    public static GeneratorInput initial(ServiceDescriptor service, Instant now) {
        return new GeneratorInput(service, PerformanceData.NONE, Deployment.empty(service.name()), now, false);
    }

    public Allocation allocation() {
        return service.allocation();
    }

    public GeneratorInput asDryRun() {
        return new GeneratorInput(service, performance, current, now, true);
    }
}
