package io.isohost.rubis.client;

import java.io.IOException;

/**
 * Fetches one page of the RUBiS application. The emulator calls it with a path and query such as
 * {@code /servlet/edu.rice.rubis.servlets.ViewItem?itemId=3}; an implementation resolves it against
 * its base URL. Tests implement it to drive the state machine without HTTP.
 */
@FunctionalInterface
public interface PageFetcher {

    /**
     * Returns the page's text. A failed connection is an {@link IOException} (the emulator retries
     * it); an HTTP error status should be returned as a page containing the word {@code ERROR}.
     */
    String fetch(String pathAndQuery) throws IOException;

    /** Fetches an embedded resource (an image) whose body is not needed. */
    default void fetchResource(String pathAndQuery) throws IOException {
        fetch(pathAndQuery);
    }
}
