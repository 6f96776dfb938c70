package io.isohost.rm;

/**
 * Something a program attaches to a {@link ResourceDomain}: a {@link Constraint} decides before a
 * consume, a {@link Notification} hears about it after. Domains carry no policy of their own.
 */
public sealed interface Policy permits Constraint, Notification {
    /** One line for status pages and JMX, for example {@code rate-limit 10.0/s burst 1}. */
    String describe();
}
