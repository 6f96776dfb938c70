package io.isohost.rm;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource domains one isolate is bound to: at most one per resource, any number across
 * resources. A thread working for an isolate carries its context, which is how
 * {@link Resources#consume} finds the right domain without being told.
 */
public final class ResourceContext {
    private static final ThreadLocal<ResourceContext> CURRENT = new ThreadLocal<>();

    private final String owner;
    private final ResourceRegistry registry;
    private final Map<String, ResourceDomain> domains = new ConcurrentHashMap<>();

    public ResourceContext(String owner, ResourceRegistry registry) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public String owner() {
        return owner;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    /** Binds this context to {@code domain}; refused if another domain of that resource is bound. */
    public ResourceContext bind(ResourceDomain domain) {
        ResourceDomain previous = domains.putIfAbsent(domain.resource().name(), domain);
        if (previous != null && previous != domain) {
            throw new IllegalStateException("'" + owner + "' is already bound to domain '" + previous.name()
                    + "' for resource '" + domain.resource().name() + "'; unbind it first");
        }
        return this;
    }

    public void unbind(Resource resource) {
        domains.remove(resource.name());
    }

    public Optional<ResourceDomain> domain(Resource resource) {
        return Optional.ofNullable(domains.get(resource.name()));
    }

    /** The bound domain for a resource name, or null; an unregistered name is an error. */
    ResourceDomain domainFor(String resourceName) {
        ResourceDomain d = domains.get(resourceName);
        if (d == null) {
            registry.lookup(resourceName); // throws for a name nobody registered
        }
        return d;
    }

    public Map<String, ResourceDomain> domains() {
        return Map.copyOf(domains);
    }

    // ---- the calling thread's context ----

    /** The context of the isolate the calling thread works for, if any. */
    public static Optional<ResourceContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static ResourceContext currentOrNull() {
        return CURRENT.get();
    }

    /**
     * Makes this the calling thread's context for good; for threads owned by one isolate, set once
     * by the isolate's thread factory.
     */
    public void attachToCurrentThread() {
        CURRENT.set(this);
    }

    public static void detachCurrentThread() {
        CURRENT.remove();
    }

    /** Runs {@code work} with this context, restoring the caller's context after. */
    public <T> T call(Callable<T> work) throws Exception {
        ResourceContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    public void run(Runnable work) {
        try {
            call(() -> {
                work.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
