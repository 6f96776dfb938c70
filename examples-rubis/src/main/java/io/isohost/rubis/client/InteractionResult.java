package io.isohost.rubis.client;

/**
 * One state's statistics in one phase. {@code count} is the number of pages answered (error pages
 * included); {@code errors} counts pages containing ERROR plus requests that never connected;
 * {@code sharePct} is the count's share of all pages answered; latencies are in milliseconds and
 * include the page's images.
 */
public record InteractionResult(String state, long count, double sharePct, long errors,
                                double p50Ms, double p90Ms, double p99Ms, double maxMs) {
}
