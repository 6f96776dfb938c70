package io.isohost.deploy;

/**
 * How one container was used over the last window.
 *
 * @param cpuShare            fraction of the host's CPU it used
 * @param memoryBytes         memory it held at the end of the window
 * @param requestRate         requests per second it served
 * @param policyWaitRate      requests per second that waited on a policy (a rate or concurrency limit)
 * @param policyDenialRate    requests per second that a policy refused
 */
public record ContainerPerformance(double cpuShare, long memoryBytes, double requestRate, double policyWaitRate,
                                   double policyDenialRate) {
}
