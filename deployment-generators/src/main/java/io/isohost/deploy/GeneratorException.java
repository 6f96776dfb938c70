package io.isohost.deploy;

/**
 * A generator could not be loaded, could not be configured, or could not produce a deployment. The
 * deployment in force stays as it is.
 */
public class GeneratorException extends RuntimeException {
    public GeneratorException(String message) {
        super(message);
    }

    public GeneratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
