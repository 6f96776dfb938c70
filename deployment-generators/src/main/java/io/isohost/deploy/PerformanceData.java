package io.isohost.deploy;

import java.time.Duration;
import java.util.Map;

/**
 * What a service did over the last window: per component (or embedded component) by name, and per
 * container by id. A component with no entry was idle.
 */
public record PerformanceData(Duration window, Map<String, ComponentPerformance> components,
                              Map<String, ContainerPerformance> containers) {
    public static final PerformanceData NONE = new PerformanceData(Duration.ZERO, Map.of(), Map.of());

    public PerformanceData {
        components = Map.copyOf(components);
        containers = Map.copyOf(containers);
    }

    public static PerformanceData ofComponents(Map<String, ComponentPerformance> components) {
        return new PerformanceData(Duration.ofSeconds(1), components, Map.of());
    }

    public ComponentPerformance component(String name) {
        return components.getOrDefault(name, ComponentPerformance.IDLE);
    }
}
