package io.isohost.container;

/**
 * Where a {@code java} isolate's calls to {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt} lead: the class loader rewrites them to call here as it loads the component,
 * so that a component ends itself, not the host. Not for direct use.
 */
public final class IsolateExit {
    private IsolateExit() {
    }

    /** Thrown on the calling thread instead of exiting the JVM; the isolate is marked failed. */
    public static final class ExitRequested extends Error {
        private final int status;

        ExitRequested(int status) {
            super("the component called exit(" + status + "); the isolate ends, the host goes on", null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static void exit(int status) {
        throw ended(status);
    }

    public static void exit(Runtime runtime, int status) {
        throw ended(status);
    }

    public static void halt(Runtime runtime, int status) {
        throw ended(status);
    }

    private static ExitRequested ended(int status) {
        ExitRequested exit = new ExitRequested(status);
        io.isohost.container.internal.ExitHandling.exitRequested(exit);
        return exit;
    }
}
