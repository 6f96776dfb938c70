package io.isohost.rm;

/**
 * Runs before a consume and grants, delays or denies it. Implementations are thread-safe; the
 * domain calls {@link #check} once per attempt, {@link #rollback} if a later constraint refused an
 * attempt this one granted, and {@link #released} when an admitted unit of work ends.
 */
public non-sealed interface Constraint extends Policy {
    Decision check(ConsumeEvent event);

    /** Undo what a granting {@link #check} recorded. */
    default void rollback(ConsumeEvent event) {
    }

    /** The work admitted by an earlier grant has finished (see {@link ResourceDomain#admit}). */
    default void released(ConsumeEvent event) {
    }

    /** Quantity consumed after the fact (measured CPU time, allocated bytes); cannot be refused. */
    default void charged(ConsumeEvent event) {
    }

    /** How long a caller may be kept waiting before this constraint denies; 0 means never wait. */
    default long maxWaitNanos() {
        return Long.MAX_VALUE;
    }
}
