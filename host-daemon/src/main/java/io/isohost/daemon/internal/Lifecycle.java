package io.isohost.daemon.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The parts of a host, started one after the other and stopped in the reverse order. A part that
 * cannot start stops every part started before it, so a failed start leaves no thread, port or
 * lock behind, and the error names the part.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    /** Starts one part and returns how to stop it. */
    @FunctionalInterface
    public interface Starter {
        Stopper start() throws Exception;
    }

    /** Stops one part; it must not throw for a part already stopped. */
    @FunctionalInterface
    public interface Stopper {
        void stop() throws Exception;
    }

    /** A start that failed; everything started before it is stopped again. */
    public static final class StartFailed extends IOException {
        private final String part;

        StartFailed(String part, Throwable cause) {
            super("cannot start the " + part + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
            this.part = part;
        }

        /** The part that failed to start. */
        public String part() {
            return part;
        }
    }

    private record Started(String part, Stopper stopper) {
    }

    private final Deque<Started> started = new ArrayDeque<>();

    /** Starts {@code part}; if it fails, stops all parts started so far and throws. */
    public synchronized void start(String part, Starter starter) throws StartFailed {
        Stopper stopper;
        try {
            stopper = starter.start();
        } catch (Exception | LinkageError e) {
            StartFailed failed = new StartFailed(part, e);
            log.error("{}; stopping what had started", failed.getMessage());
            close();
            throw failed;
        }
        started.push(new Started(part, stopper));
    }

    /** Stops every started part, the last started first; a part that fails to stop does not keep the others running. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            Started s = started.pop();
            try {
                s.stopper().stop();
            } catch (Exception e) {
                log.warn("stopping the {}: {}", s.part(), e.toString());
            }
        }
    }
}
