package io.isohost.rubis.client;

import java.util.List;

/**
 * The statistics of one phase.
 *
 * @param phase              {@code up-ramp}, {@code measurement} or {@code down-ramp}
 * @param seconds            the phase's length
 * @param pageRequests       real page requests answered (what the server served)
 * @param errors             error pages plus requests that never connected
 * @param connectionFailures failed connection attempts, retries included
 * @param sorryPages         pages containing "Sorry" (the emulator went back)
 * @param sessionsStarted    sessions started (a new user each)
 * @param backSteps          steps that drew Back (the page re-requested is in {@code pageRequests})
 * @param endOfSessionSteps  steps that drew End of Session (no request)
 * @param originalCount      the original emulator's count: pages + Back + End of Session pseudo-steps
 * @param pagesPerSecond     real page requests per second: the true throughput
 * @param originalPerSecond  {@code originalCount} per second: what the RUBiS papers report
 * @param p50Ms              latency percentiles over all pages, ms
 * @param interactions       one row per state, in matrix order
 */
public record PhaseResult(String phase, double seconds, long pageRequests, long errors, long connectionFailures,
                          long sorryPages, long sessionsStarted, long backSteps, long endOfSessionSteps,
                          long originalCount, double pagesPerSecond, double originalPerSecond,
                          double p50Ms, double p90Ms, double p99Ms, double maxMs,
                          List<InteractionResult> interactions) {

    public PhaseResult {
        interactions = List.copyOf(interactions);
    }

    /** The row of one state. */
    public InteractionResult interaction(State s) {
        return interactions.get(s.ordinal());
    }
}
