package io.isohost.descriptor;

import java.util.Map;

/** The deployment generator a service starts with, by name or jar path, and its parameters. */
public record GeneratorChoice(String name, Map<String, String> parameters) {
    public GeneratorChoice {
        parameters = Map.copyOf(parameters);
    }
}
