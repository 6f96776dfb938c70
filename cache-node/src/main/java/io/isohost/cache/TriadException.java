package io.isohost.cache;

/** A triad operation failed; {@link #code()} says why, and nothing was changed unless the code says so. */
public class TriadException extends RuntimeException {
    public enum Code {
        /** The cache name is not declared on the triad. */
        UNKNOWN_CACHE,
        /** A key or value is over the configured limit. */
        TOO_LARGE,
        /** A message was truncated, malformed or failed its authentication code. */
        BAD_MESSAGE,
        /** The peer does not hold the same cluster secret. */
        AUTH,
        /** No server could take the operation in time (too few live servers, or failover did not finish). */
        UNAVAILABLE,
        /** The server failed unexpectedly. */
        INTERNAL
    }

    private final Code code;

    public TriadException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public TriadException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
