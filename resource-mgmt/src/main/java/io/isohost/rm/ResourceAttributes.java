package io.isohost.rm;

/**
 * What kind of thing a resource is.
 *
 * @param disposable a unit is handed back after use and can be reused (a JDBC connection, a thread);
 *                   CPU time is not
 * @param bounded    the dispenser has a finite total quantity
 * @param reservable quantities can be set aside for a domain ahead of use
 */
public record ResourceAttributes(boolean disposable, boolean bounded, boolean reservable) {
    public static final ResourceAttributes CONSUMABLE = new ResourceAttributes(false, false, false);
    public static final ResourceAttributes POOLED = new ResourceAttributes(true, true, true);
}
