package io.isohost.lb;

/** How a backend is picked among those hosting a request's component. */
public enum Strategy {
    /** Smooth weighted round-robin. */
    ROUND_ROBIN,
    /** Power of two choices by load: in-flight over limit × weight, plus the CPU load the backend reports. */
    SERVER_LOAD,
    /** Fill backends in order up to their limit before using the next, so idle ones can be switched off. */
    GREEN;

    public static Strategy parse(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "round-robin" -> ROUND_ROBIN;
            case "server-load", "adaptive" -> SERVER_LOAD;
            case "green" -> GREEN;
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "'; use round-robin, server-load or green");
        };
    }
}
