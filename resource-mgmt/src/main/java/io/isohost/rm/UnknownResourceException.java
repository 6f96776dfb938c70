package io.isohost.rm;

/** A resource name that nobody registered. */
public final class UnknownResourceException extends IllegalArgumentException {
    private final String resourceName;

    public UnknownResourceException(String resourceName, Iterable<String> known) {
        super("unknown resource '" + resourceName + "'; registered resources: " + String.join(", ", known));
        this.resourceName = resourceName;
    }

    public String resourceName() {
        return resourceName;
    }
}
