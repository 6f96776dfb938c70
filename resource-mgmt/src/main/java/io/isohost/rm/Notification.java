package io.isohost.rm;

/** Runs after a consume, unconsume or charge has been accounted; it cannot change the outcome. */
public non-sealed interface Notification extends Policy {
    void consumed(ConsumeEvent event);

    default void unconsumed(ConsumeEvent event) {
    }

    /** A consume that a constraint denied. */
    default void denied(ConsumeEvent event, String reason) {
    }
}
