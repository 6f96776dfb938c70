package io.isohost.descriptor;

import java.time.Duration;
import java.util.Optional;

/**
 * A service-level agreement on one component or embedded component.
 *
 * @param component        the component it is about
 * @param minRate          requests per second the service must sustain for it
 * @param maxMeanResponse  the mean response time not to exceed
 * @param maxP99Response   the 99th-percentile response time not to exceed
 * @param priority         relative importance; higher is served first and faster (default 0)
 */
public record Sla(String component, Optional<Double> minRate, Optional<Duration> maxMeanResponse,
                  Optional<Duration> maxP99Response, int priority) {
}
