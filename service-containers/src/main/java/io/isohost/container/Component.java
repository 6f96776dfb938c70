package io.isohost.container;

/**
 * An entry class may implement this to take part in the isolate's lifecycle; otherwise a
 * {@code public static void main(String[])} is run on the isolate's own thread.
 */
public interface Component {
    void start(ComponentContext context) throws Exception;

    /** Asked to finish; the isolate is forced down if this has not returned by the stop timeout. */
    default void stop() throws Exception {
    }
}
