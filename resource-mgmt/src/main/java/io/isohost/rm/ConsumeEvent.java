package io.isohost.rm;

/**
 * One consume (or charge, or release) as policies see it.
 *
 * @param domain   the domain consumed from
 * @param quantity how much, in the resource's unit
 * @param nanoTime when, on the domain's ticker
 */
public record ConsumeEvent(ResourceDomain domain, long quantity, long nanoTime) {
}
