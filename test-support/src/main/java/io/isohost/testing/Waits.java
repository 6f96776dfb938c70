package io.isohost.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * Bounded waits for a condition, instead of sleeping for a guessed time: the condition is checked at
 * once and then every 10 ms, and the test fails, naming what it waited for, if it does not hold
 * within the bound. The condition runs on the test's own thread (no thread is started for it, so
 * tests that count threads see none). A bound is long (a loaded 2-core machine is slow), never a measure of speed.
 */
public final class Waits {
    /** Long enough for a slow machine; reached only when a test fails. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Waits() {
    }

    /** A wait for {@code what}, bounded by {@link #PATIENCE}; follow it with {@code .until(...)} or {@code .untilAsserted(...)}. */
    public static ConditionFactory await(String what) {
        return await(what, PATIENCE);
    }

    /** A wait for {@code what}, bounded by {@code atMost}. */
    public static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .pollInSameThread();
    }
}
