package io.isohost.rm;

/**
 * Implemented by a class named in configuration to contribute custom resources; it needs a public
 * no-argument constructor.
 */
@FunctionalInterface
public interface ResourceDefinition {
    Iterable<Resource> resources();
}
