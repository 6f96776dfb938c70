package io.isohost.deploy;

import io.isohost.descriptor.DescriptorParser;
import io.isohost.descriptor.ServiceDescriptor;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Services and inputs the generator tests share. */
final class Services {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Path EXAMPLES = Path.of("..", "docs", "examples");

    private Services() {
    }

    static ServiceDescriptor rubis() {
        try {
            return DescriptorParser.parse(EXAMPLES.resolve("rubis.xml"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ServiceDescriptor hello(int containers) {
        try {
            ServiceDescriptor d = DescriptorParser.parse(EXAMPLES.resolve("hello.xml"));
            return d.withAllocation(d.allocation().withTotal(containers));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static GeneratorInput input(ServiceDescriptor service, PerformanceData performance, Deployment current, Instant now) {
        return new GeneratorInput(service, performance, current, now, false);
    }

    /** Every component at {@code rate} requests per second with mean response {@code mean}. */
    static PerformanceData load(Map<String, Double> rates, Duration mean) {
        Map<String, ComponentPerformance> components = new HashMap<>();
        rates.forEach((name, rate) -> components.put(name, ComponentPerformance.of(rate, mean)));
        return PerformanceData.ofComponents(components);
    }

    static DeploymentGenerator generator(String name, ServiceDescriptor service, Map<String, String> parameters) {
        return Generators.load(name).create(GeneratorSettings.of(service, parameters));
    }
}
