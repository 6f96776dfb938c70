package io.isohost.deploy;

import java.time.Duration;

/**
 * How one component or embedded component performed over the last window.
 *
 * @param requestRate   requests per second
 * @param meanResponse  mean response time
 * @param p99Response   99th-percentile response time
 * @param errorRate     failed requests per second
 */
public record ComponentPerformance(double requestRate, Duration meanResponse, Duration p99Response, double errorRate) {
    public static final ComponentPerformance IDLE = new ComponentPerformance(0, Duration.ZERO, Duration.ZERO, 0);

    public ComponentPerformance {
        if (requestRate < 0 || errorRate < 0) {
            throw new IllegalArgumentException("rates must not be negative");
        }
    }

    public static ComponentPerformance of(double requestRate, Duration meanResponse) {
        return new ComponentPerformance(requestRate, meanResponse, meanResponse, 0);
    }
}
