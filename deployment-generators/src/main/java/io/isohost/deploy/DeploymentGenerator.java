package io.isohost.deploy;

/**
 * Decides where a service's components run. One instance serves one service and may remember what
 * it saw in earlier calls (for example when it last scaled). It applies nothing: it returns the
 * deployment it wants and the deployment manager makes it so.
 *
 * <p>Contract: the result lies within the input's allocation; for a dry-run input the generator
 * returns what it would decide and forgets it, so the next real call decides as if the dry run had
 * not happened. Calls for one instance come one at a time.
 */
@FunctionalInterface
public interface DeploymentGenerator {
    Deployment generate(GeneratorInput input) throws GeneratorException;

    /** What {@link #generate} would return, without changing this generator's memory. */
    default Deployment dryRun(GeneratorInput input) throws GeneratorException {
        return generate(input.asDryRun());
    }
}
