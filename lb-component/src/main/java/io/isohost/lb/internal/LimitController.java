package io.isohost.lb.internal;

import java.util.Arrays;

/**
 * Feedback on one backend's bound N of concurrent requests (the controlled-loading limit). Every
 * window (at least 10 samples and 250 ms) it compares the window's p90 response time with a
 * long-run baseline: while the backend answers as fast as its baseline, N grows by √N; when it
 * slows, N shrinks in proportion (never by more than half); a refused or failed request cuts N
 * by 10%. A window in which the backend was never more than half busy changes nothing, so N does
 * not drift up while idle. Written here rather than taken from a library: the known Gradient2
 * drift (growth under steady moderate overload) and ignored drops are exactly what this avoids.
 *
 * <p>A backend serves several routes whose requests differ in cost (a search against a static
 * page), so a response time is first divided by its route's usual time on this backend (a floor
 * that falls at once and rises slowly): the controller then sees how much slower than usual the
 * backend answers, not which mix of requests the window happened to hold.
 */
public final class LimitController {
    static final int MIN_SAMPLES = 10;
    static final long MIN_WINDOW_NANOS = 250_000_000L;
    private static final double TOLERANCE = 1.5;

    private final int min;
    private final int max;
    private double limit;
    private double baseline = Double.NaN;
    private final long[] samples = new long[512];
    private int count;
    private long windowStart = Long.MIN_VALUE;
    private boolean dropped;
    private int maxInFlight;

    public LimitController(int initial, int min, int max) {
        this.min = min;
        this.max = max;
        this.limit = initial;
    }

    private final java.util.Map<io.isohost.lb.RouteKey, double[]> routeFloor = new java.util.HashMap<>();

    public synchronized int limit() {
        return (int) limit;
    }

    private static final io.isohost.lb.RouteKey ONLY_ROUTE = new io.isohost.lb.RouteKey("-", "-");

    /** One finished request of a single-route backend. */
    public void sample(long now, long rttNanos, int inFlight, boolean drop) {
        sample(now, ONLY_ROUTE, rttNanos, inFlight, drop);
    }

    /**
     * One finished request: its route, its response time, how many were in flight when it
     * started, and whether it failed or was refused.
     */
    public synchronized void sample(long now, io.isohost.lb.RouteKey route, long rttNanos, int inFlight, boolean drop) {
        if (!drop) {
            long first = rttNanos;
            double[] floor = routeFloor.computeIfAbsent(route, k -> new double[]{first});
            floor[0] = rttNanos < floor[0] ? rttNanos : floor[0] + (rttNanos - floor[0]) / 1000;
            // scaled so that a route at its usual speed reads as 1 ms
            rttNanos = (long) (1_000_000 * rttNanos / Math.max(1, floor[0]));
        }
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
        }
        if (drop) {
            dropped = true;
        } else if (count < samples.length) {
            samples[count++] = rttNanos;
        }
        maxInFlight = Math.max(maxInFlight, inFlight);
        if ((count >= MIN_SAMPLES || dropped) && now - windowStart >= MIN_WINDOW_NANOS || count == samples.length) {
            update();
            count = 0;
            dropped = false;
            maxInFlight = 0;
            windowStart = now;
        }
    }

    private void update() {
        if (dropped) {
            limit = Math.max(min, limit * 0.9);
            return;
        }
        long[] window = Arrays.copyOf(samples, count);
        Arrays.sort(window);
        double p90 = window[Math.min(count - 1, (int) Math.ceil(count * 0.9) - 1)];
        if (Double.isNaN(baseline) || p90 < baseline) {
            baseline = p90; // the fastest the backend has been is the best guess of its unloaded speed
        } else {
            baseline += (p90 - baseline) / 50; // and a slow drift lets a new normal become the baseline
        }
        if (maxInFlight * 2 < limit) {
            return; // the backend was not busy enough for its speed to say anything about the limit
        }
        double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * baseline / p90));
        double next = gradient >= 1.0 ? limit + Math.sqrt(limit) : limit * gradient;
        limit = Math.max(min, Math.min(max, next));
    }
}
