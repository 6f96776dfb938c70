package io.isohost.rm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources a host knows, each with its {@link Dispenser}. It starts with the built-in
 * resources; applications add their own by name at run time or through a {@link ResourceDefinition}
 * class named in configuration.
 */
public final class ResourceRegistry {
    private final Map<String, Dispenser> dispensers = new ConcurrentHashMap<>();
    private final Ticker ticker;

    public ResourceRegistry() {
        this(Ticker.SYSTEM);
    }

    public ResourceRegistry(Ticker ticker) {
        this.ticker = ticker;
        for (Resource r : List.of(Resource.CPU_TIME, Resource.HEAP_ALLOCATION, Resource.REQUESTS,
                Resource.NETWORK_IN, Resource.NETWORK_OUT, Resource.THREADS, Resource.JDBC_CONNECTIONS)) {
            register(r, Long.MAX_VALUE);
        }
    }

    public Ticker ticker() {
        return ticker;
    }

    /** Registers a resource; registering the same definition again is harmless, a different one is refused. */
    public Resource register(Resource resource, long totalQuantity) {
        Dispenser existing = dispensers.putIfAbsent(resource.name(), new Dispenser(resource, totalQuantity));
        if (existing != null && !existing.resource().equals(resource)) {
            throw new IllegalArgumentException("resource '" + resource.name() + "' is already registered as "
                    + existing.resource() + "; cannot register it again as " + resource);
        }
        return resource;
    }

    public Resource register(Resource resource) {
        return register(resource, Long.MAX_VALUE);
    }

    /** Registers a counted custom resource such as {@code rubis.tx}, or returns it if it exists. */
    public Resource registerCounted(String name) {
        Dispenser existing = dispensers.get(name);
        return existing != null ? existing.resource() : register(Resource.counted(name));
    }

    /** Loads a {@link ResourceDefinition} by class name and registers what it defines. */
    public List<Resource> registerFrom(String className, ClassLoader loader) {
        Object instance;
        try {
            Class<?> type = Class.forName(className, true, loader);
            if (!ResourceDefinition.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("resource definition class '" + className
                        + "' does not implement " + ResourceDefinition.class.getName());
            }
            instance = type.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("resource definition class '" + className + "' not found", e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("resource definition class '" + className
                    + "' cannot be instantiated: " + e, e);
        }
        List<Resource> added = new ArrayList<>();
        for (Resource r : ((ResourceDefinition) instance).resources()) {
            added.add(register(r));
        }
        return added;
    }

    public Resource lookup(String name) {
        return dispenser(name).resource();
    }

    public Dispenser dispenser(String name) {
        Dispenser d = dispensers.get(name);
        if (d == null) {
            throw new UnknownResourceException(name, new TreeSet<>(dispensers.keySet()));
        }
        return d;
    }

    public Dispenser dispenser(Resource resource) {
        return dispenser(resource.name());
    }

    public List<Resource> resources() {
        return dispensers.values().stream().map(Dispenser::resource)
                .sorted(java.util.Comparator.comparing(Resource::name)).toList();
    }

    /** A new domain for {@code resource}, with no policies. */
    public ResourceDomain newDomain(String name, Resource resource) {
        return new ResourceDomain(name, dispenser(resource), ticker);
    }

    public ResourceDomain newDomain(String name, String resourceName) {
        return new ResourceDomain(name, dispenser(resourceName), ticker);
    }
}
