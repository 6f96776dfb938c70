package io.isohost.container;

import java.time.Duration;

/** A rate quota on one resource: {@code perSecond} with bursts of {@code burst}, waiting at most {@code maxWait}. */
public record RateSpec(double perSecond, double burst, Duration maxWait) {
    public static RateSpec of(double perSecond) {
        return new RateSpec(perSecond, 1, Duration.ofSeconds(5));
    }
}
