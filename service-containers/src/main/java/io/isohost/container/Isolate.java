package io.isohost.container;

import java.time.Duration;
import java.util.Optional;

/**
 * One component running in isolation. How it is isolated (a class loader, a child JVM, a polyglot
 * context) is the kind's business; callers see only this.
 */
public interface Isolate {
    /** Unique on the host: {@code container/component}. */
    String id();

    String kind();

    ComponentSpec spec();

    void start() throws IsolateException;

    /** Asks the component to finish, waits up to {@code grace}, then forces it down. Never throws. */
    void stop(Duration grace);

    IsolateState state();

    /** Why the isolate failed, when it did. */
    Optional<Throwable> failure();

    IsolateUsage usage();

    /**
     * The isolate's HTTP entry, if its component has servlets; the container's endpoint routes
     * requests matching the component's URL patterns here.
     */
    Optional<org.eclipse.jetty.server.Handler> httpHandler();
}
