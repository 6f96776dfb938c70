package io.isohost.rm;

/** Thrown by {@code consume} when a constraint refuses the quantity; nothing was consumed. */
public final class ResourceDeniedException extends RuntimeException {
    private final String resourceName;
    private final String domainName;

    public ResourceDeniedException(String resourceName, String domainName, String reason) {
        super("resource '" + resourceName + "' denied in domain '" + domainName + "': " + reason, null, false, false);
        this.resourceName = resourceName;
        this.domainName = domainName;
    }

    public String resourceName() {
        return resourceName;
    }

    public String domainName() {
        return domainName;
    }
}
