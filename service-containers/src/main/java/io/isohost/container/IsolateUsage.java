package io.isohost.container;

/**
 * What an isolate has used so far.
 *
 * @param cpuNanos       CPU time measured on its threads, including request work
 * @param allocatedBytes heap bytes allocated by its threads
 * @param requests       HTTP requests it answered
 * @param errors         requests that failed and exceptions that escaped its threads
 * @param threads        its own live threads
 */
public record IsolateUsage(long cpuNanos, long allocatedBytes, long requests, long errors, int threads) {
}
