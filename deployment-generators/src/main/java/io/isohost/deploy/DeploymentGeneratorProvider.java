package io.isohost.deploy;

/**
 * A kind of deployment generator, found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.isohost.deploy.DeploymentGeneratorProvider} of its
 * jar. It makes one generator per service.
 */
public interface DeploymentGeneratorProvider {
    /** The name operators use, for example {@code threshold-autoscale}. */
    String name();

    /** One line for listings. */
    String description();

    /**
     * A generator for one service. Unknown or malformed parameters are refused here, with a message
     * naming the parameter, rather than at the first {@code generate}.
     */
    DeploymentGenerator create(GeneratorSettings settings) throws GeneratorException;
}
