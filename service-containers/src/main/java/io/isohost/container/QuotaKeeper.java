package io.isohost.container;

/**
 * Where an operator's quota change goes, whichever way it came (JMX, the admin API, the CLI). The
 * host's default applies it to the container at once; a host daemon keeps it as part of the
 * desired state first, so that deployments and restarts do not undo it.
 */
@FunctionalInterface
public interface QuotaKeeper {
    /** Sets {@code quota} on {@code container}; a bad value is refused and changes nothing. */
    void set(ServiceContainer container, Quota quota);
}
