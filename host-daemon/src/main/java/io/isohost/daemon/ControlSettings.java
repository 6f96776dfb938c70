package io.isohost.daemon;

/**
 * How the host's control planes are reached, beyond their ports ({@link DaemonSettings}).
 *
 * @param adminRequestLimit the largest admin API request body, in bytes; a larger one is refused
 *                          with 413 before it is read
 */
public record ControlSettings(long adminRequestLimit) {
    public static final long DEFAULT_ADMIN_REQUEST_LIMIT = 1 << 20;

    public ControlSettings {
        if (adminRequestLimit <= 0) {
            throw new IllegalArgumentException("the admin request limit must be positive: " + adminRequestLimit);
        }
    }

    public static ControlSettings defaults() {
        return new ControlSettings(DEFAULT_ADMIN_REQUEST_LIMIT);
    }

    public ControlSettings withAdminRequestLimit(long bytes) {
        return new ControlSettings(bytes);
    }
}
