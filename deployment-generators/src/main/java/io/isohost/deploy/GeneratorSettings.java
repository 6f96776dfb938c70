package io.isohost.deploy;

import io.isohost.descriptor.GeneratorChoice;
import io.isohost.descriptor.ServiceDescriptor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a generator is set up for one service: the service's name, the generator's parameters (from
 * the descriptor's {@code generator} element or the swap command), and the directory relative
 * paths in them resolve against.
 */
public record GeneratorSettings(String service, Map<String, String> parameters, Optional<Path> directory) {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    public GeneratorSettings {
        parameters = Map.copyOf(parameters);
    }

    /** The settings the descriptor asks for. */
    public static GeneratorSettings of(ServiceDescriptor descriptor) {
        return of(descriptor, descriptor.generator().map(GeneratorChoice::parameters).orElse(Map.of()));
    }

    /** The descriptor's service with other parameters, as when an operator swaps the generator. */
    public static GeneratorSettings of(ServiceDescriptor descriptor, Map<String, String> parameters) {
        return new GeneratorSettings(descriptor.name(), parameters, descriptor.directory());
    }

    /** Refuses parameters a generator does not know, naming them and the ones it does. */
    public void requireOnly(String generator, Set<String> known) {
        Set<String> unknown = new TreeSet<>(parameters.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new GeneratorException("generator " + generator + " has no parameter " + quoted(unknown)
                    + (known.isEmpty() ? "; it takes none" : "; it takes " + quoted(new TreeSet<>(known))));
        }
    }

    public Optional<String> text(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public Optional<Double> decimal(String name) {
        return text(name).map(v -> {
            try {
                double d = Double.parseDouble(v.strip());
                if (d < 0 || !Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new GeneratorException("generator parameter '" + name + "' must be a number of at least 0: '" + v + "'");
            }
        });
    }

    public Optional<Integer> integer(String name) {
        return text(name).map(v -> {
            try {
                int i = Integer.parseInt(v.strip());
                if (i < 0) {
                    throw new NumberFormatException();
                }
                return i;
            } catch (NumberFormatException e) {
                throw new GeneratorException("generator parameter '" + name + "' must be a whole number of at least 0: '" + v + "'");
            }
        });
    }

    /** A duration written as in descriptors: {@code 200ms}, {@code 30s}, {@code 5m}. */
    public Optional<Duration> duration(String name) {
        return text(name).map(v -> {
            Matcher m = DURATION.matcher(v.strip());
            if (!m.matches()) {
                throw new GeneratorException("generator parameter '" + name
                        + "' must be a duration such as 200ms, 30s or 5m: '" + v + "'");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        });
    }

    private static String quoted(Set<String> names) {
        return "'" + String.join("', '", names) + "'";
    }
}
