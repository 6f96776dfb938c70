package io.isohost.descriptor;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A named set of resource policies a service container is created with. Zero means "no limit" for
 * each quota, so a shape names only what it restricts.
 *
 * @param name                      the shape's name in the descriptor
 * @param rates                     rate limits, transactions per second by resource name (for example {@code rubis.tx})
 * @param cpuShare                  fraction of the host's CPU, 0 or (0, 1]
 * @param cpuGuarantee              fraction of the host's CPU kept for the container while it has work
 * @param maxConcurrency            requests admitted at once
 * @param memoryBytes               memory cap (enforced hard only by process isolates)
 * @param allocationBytesPerSecond  heap allocation budget
 */
public record ContainerShape(String name, Map<String, Double> rates, double cpuShare, double cpuGuarantee,
                             int maxConcurrency, long memoryBytes, long allocationBytesPerSecond) {

    public ContainerShape {
        Objects.requireNonNull(name, "name");
        // sorted so that equal shapes print alike
        rates = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(rates));
        if (cpuShare < 0 || cpuShare > 1 || cpuGuarantee < 0 || cpuGuarantee > 1) {
            throw new IllegalArgumentException("shape '" + name + "': CPU share and guarantee lie between 0 and 1");
        }
        if (maxConcurrency < 0 || memoryBytes < 0 || allocationBytesPerSecond < 0) {
            throw new IllegalArgumentException("shape '" + name + "': limits must not be negative");
        }
    }

    /** A shape with no limits. */
    public static ContainerShape unlimited(String name) {
        return new ContainerShape(name, Map.of(), 0, 0, 0, 0, 0);
    }
}
