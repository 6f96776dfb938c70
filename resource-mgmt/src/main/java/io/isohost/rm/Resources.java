package io.isohost.rm;

/**
 * What component code calls: {@code Resources.consume("rubis.tx", 1)}. The calling thread's
 * {@link ResourceContext} names the domain; a thread outside any isolate, or a resource its
 * isolate is not bound to, consumes without limits.
 */
public final class Resources {
    private Resources() {
    }

    /**
     * @throws ResourceDeniedException  when a policy refuses
     * @throws UnknownResourceException when no resource has that name
     */
    public static void consume(String resourceName, long quantity) {
        ResourceContext ctx = ResourceContext.currentOrNull();
        if (ctx != null) {
            ResourceDomain d = ctx.domainFor(resourceName);
            if (d != null) {
                d.consume(quantity);
            }
        }
    }

    public static void consume(Resource resource, long quantity) {
        consume(resource.name(), quantity);
    }

    /** Returns a disposable quantity (a connection, a thread) consumed earlier. */
    public static void unconsume(String resourceName, long quantity) {
        ResourceContext ctx = ResourceContext.currentOrNull();
        if (ctx != null) {
            ResourceDomain d = ctx.domainFor(resourceName);
            if (d != null) {
                d.unconsume(quantity);
            }
        }
    }

    public static void unconsume(Resource resource, long quantity) {
        unconsume(resource.name(), quantity);
    }
}
