package io.isohost.rm;

/**
 * A domain's counters since it was made.
 *
 * @param consumed   quantity granted through consume
 * @param charged    quantity recorded after the fact (measured CPU time, allocated bytes)
 * @param inUse      disposable quantity not yet returned
 * @param waits      consumes that had to wait
 * @param waitMillis total time spent waiting
 * @param denials    consumes refused
 */
public record DomainUsage(long consumed, long charged, long inUse, long waits, long waitMillis, long denials) {
}
