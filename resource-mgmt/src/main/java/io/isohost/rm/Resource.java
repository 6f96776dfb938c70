package io.isohost.rm;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, measurable thing that isolates consume: CPU time, bytes allocated, requests,
 * connections, or an application's own unit such as {@code rubis.tx}.
 */
public record Resource(String name, String unit, ResourceAttributes attributes) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

    public static final Resource CPU_TIME = new Resource("cpu-time", "ns", ResourceAttributes.CONSUMABLE);
    public static final Resource HEAP_ALLOCATION = new Resource("heap-allocation", "bytes", ResourceAttributes.CONSUMABLE);
    public static final Resource REQUESTS = new Resource("requests", "requests", ResourceAttributes.CONSUMABLE);
    public static final Resource NETWORK_IN = new Resource("network-in", "bytes", ResourceAttributes.CONSUMABLE);
    public static final Resource NETWORK_OUT = new Resource("network-out", "bytes", ResourceAttributes.CONSUMABLE);
    public static final Resource THREADS = new Resource("threads", "threads", new ResourceAttributes(true, false, true));
    public static final Resource JDBC_CONNECTIONS = new Resource("jdbc-connections", "connections", ResourceAttributes.POOLED);

    public Resource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(attributes, "attributes");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("resource name '" + name
                    + "' is not valid: use lower-case words joined by '.' or '-', for example 'rubis.tx'");
        }
    }

    /** A custom, non-disposable, unbounded resource counted in units, such as one per transaction. */
    public static Resource counted(String name) {
        return new Resource(name, "units", ResourceAttributes.CONSUMABLE);
    }

    public boolean disposable() {
        return attributes.disposable();
    }
}
