package io.isohost.deploy.generators;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.GeneratorInput;
import io.isohost.deploy.GeneratorSettings;
import io.isohost.deploy.internal.DeploymentFileReader;

import java.nio.file.Path;
import java.util.Set;

/**
 * Reads the deployment from a file (parameter {@code file}, relative to the descriptor's
 * directory), written in the {@code urn:isohost:deployment:1} format. The file is read on every
 * call, so an operator edits it and asks for a new generation. A file that names unknown shapes or
 * components, or needs more containers than allocated, is refused with its line and column.
 */
public final class Static implements DeploymentGeneratorProvider {
    public static final String NAME = "static";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reads the deployment map from a file";
    }

    @Override
    public DeploymentGenerator create(GeneratorSettings settings) {
        settings.requireOnly(NAME, Set.of("file"));
        String file = settings.text("file").orElseThrow(() ->
                new GeneratorException("generator " + NAME + " needs parameter 'file': the deployment map to read"));
        Path path = settings.directory().map(d -> d.resolve(file)).orElse(Path.of(file));
        return (GeneratorInput input) -> {
            Deployment deployment = DeploymentFileReader.read(path, input.service());
            long allocatedUsed = deployment.containers().stream().filter(c -> usesAllocation(c, input)).count();
            if (allocatedUsed > input.allocation().total()) {
                throw new GeneratorException(path + ": the map places replicable components in " + allocatedUsed
                        + " containers but the service '" + input.service().name() + "' is allocated "
                        + input.allocation().total());
            }
            return deployment;
        };
    }

    private static boolean usesAllocation(ContainerPlan container, GeneratorInput input) {
        return container.components().stream().anyMatch(h ->
                input.service().component(h.component()).map(c -> c.replication().replicable()).orElse(false));
    }
}
