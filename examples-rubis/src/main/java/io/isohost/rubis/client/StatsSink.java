package io.isohost.rubis.client;

/** Where a {@link UserSession} reports what it did. Implementations must be thread-safe. */
interface StatsSink {

    /** A page answered ({@code error}: the page contained ERROR or the HTTP status was an error). */
    void page(State state, long latencyNanos, boolean error);

    /** A request that failed to connect even after the retries: an error, no page. */
    void failed(State state);

    /** One failed connection attempt (retried or not). */
    void connectionFailure();

    /** The matrix drew Back (counted as a pseudo-interaction by the original). */
    void back();

    /** The matrix drew End of Session (counted as a pseudo-interaction by the original). */
    void end();

    /** A page contained "Sorry": the emulator went back to the previous page. */
    void sorry();

    /** A new session started (a new user). */
    void sessionStarted();
}
