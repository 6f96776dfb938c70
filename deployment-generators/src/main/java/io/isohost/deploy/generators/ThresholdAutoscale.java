package io.isohost.deploy.generators;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.GeneratorInput;
import io.isohost.deploy.GeneratorSettings;
import io.isohost.deploy.internal.ServiceLayout;
import io.isohost.deploy.internal.ServiceLayout.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Scales full replicas (as {@code replicate-all} lays them out) between {@code min-containers} and
 * the allocation by watching the request rate per container and the mean response time.
 *
 * <p>Above {@code scale-up-rate} or {@code scale-up-response} it adds one container. Below both
 * {@code scale-down-rate} and {@code scale-down-response} (those given), held for {@code grace-period},
 * it removes one, and only if the remaining containers would stay below the scale-up rate. Between
 * the thresholds nothing changes, and no change follows another within {@code cool-down}, so it does
 * not flap. A lowered allocation is obeyed at once.
 */
public final class ThresholdAutoscale implements DeploymentGeneratorProvider {
    public static final String NAME = "threshold-autoscale";
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdAutoscale.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "adds a container above a rate or response threshold, removes one below another after a grace period";
    }

    /** The thresholds and timings, checked once. */
    record Thresholds(Optional<Double> upRate, Optional<Double> downRate, Optional<Duration> upResponse,
                      Optional<Duration> downResponse, Duration gracePeriod, Duration coolDown, int minContainers,
                      int initialContainers) {
    }

    @Override
    public DeploymentGenerator create(GeneratorSettings settings) {
        settings.requireOnly(NAME, Set.of("scale-up-rate", "scale-down-rate", "scale-up-response", "scale-down-response",
                "grace-period", "cool-down", "min-containers", "initial-containers"));
        Optional<Double> upRate = settings.decimal("scale-up-rate");
        Optional<Double> downRate = settings.decimal("scale-down-rate");
        Optional<Duration> upResponse = settings.duration("scale-up-response");
        Optional<Duration> downResponse = settings.duration("scale-down-response");
        if (upRate.isPresent() != downRate.isPresent()) {
            throw new GeneratorException("generator " + NAME + ": give both scale-up-rate and scale-down-rate, or neither");
        }
        if (upResponse.isPresent() != downResponse.isPresent()) {
            throw new GeneratorException("generator " + NAME + ": give both scale-up-response and scale-down-response, or neither");
        }
        if (upRate.isEmpty() && upResponse.isEmpty()) {
            throw new GeneratorException("generator " + NAME + " needs thresholds: scale-up-rate and scale-down-rate "
                    + "(requests per second per container), or scale-up-response and scale-down-response (for example 200ms)");
        }
        if (upRate.isPresent() && downRate.get() >= upRate.get()) {
            throw new GeneratorException("generator " + NAME + ": scale-down-rate (" + downRate.get()
                    + ") must be below scale-up-rate (" + upRate.get() + ")");
        }
        if (upResponse.isPresent() && downResponse.get().compareTo(upResponse.get()) >= 0) {
            throw new GeneratorException("generator " + NAME + ": scale-down-response must be below scale-up-response");
        }
        int min = settings.integer("min-containers").orElse(1);
        Thresholds thresholds = new Thresholds(upRate, downRate, upResponse, downResponse,
                settings.duration("grace-period").orElse(Duration.ofMinutes(5)),
                settings.duration("cool-down").orElse(Duration.ofSeconds(30)),
                min, Math.max(min, settings.integer("initial-containers").orElse(min)));
        return new Scaler(thresholds);
    }

    /** One service's scaler; remembers its container count, its last change and since when load has been low. */
    static final class Scaler implements DeploymentGenerator {
        private final Thresholds thresholds;
        private int containers = -1;
        private Instant lastChange;
        private Instant lowSince;

        Scaler(Thresholds thresholds) {
            this.thresholds = thresholds;
        }

        @Override
        public Deployment generate(GeneratorInput input) {
            int allocated = input.allocation().total();
            int count = containers >= 0 ? containers : startingCount(input);
            Instant changedAt = lastChange;
            Instant low = lowSince;

            double sum = 0;
            double weightedNanos = 0;
            for (Unit u : ServiceLayout.units(input.service())) {
                double r = ServiceLayout.rate(input.performance(), input.service(), u);
                sum += r;
                weightedNanos += r * ServiceLayout.meanResponse(input.performance(), u).toNanos();
            }
            double rate = sum;
            Duration mean = rate > 0 ? Duration.ofNanos((long) (weightedNanos / rate)) : Duration.ZERO;
            double perContainer = count > 0 ? rate / count : rate;

            boolean high = thresholds.upRate().map(t -> perContainer > t).orElse(false)
                    || thresholds.upResponse().map(t -> mean.compareTo(t) > 0).orElse(false);
            boolean lowNow = !high && thresholds.downRate().map(t -> perContainer < t).orElse(true)
                    && thresholds.downResponse().map(t -> mean.compareTo(t) < 0).orElse(true);
            low = lowNow ? (low == null ? input.now() : low) : null;
            boolean settled = changedAt == null
                    || !input.now().isBefore(changedAt.plus(thresholds.coolDown()));

            int wanted = count;
            int floor = Math.min(thresholds.minContainers(), allocated);
            if (count > allocated) {
                wanted = allocated;
            } else if (count < floor) {
                wanted = floor;
            } else if (high && settled && count < allocated) {
                wanted = count + 1;
            } else if (low != null && settled && count > floor
                    && !input.now().isBefore(low.plus(thresholds.gracePeriod()))
                    && thresholds.upRate().map(t -> rate / (count - 1) <= t).orElse(true)) {
                wanted = count - 1;
            }
            if (wanted != count) {
                LOG.info("{}: {} containers -> {} (rate {}/s per container, mean response {} ms)",
                        input.service().name(), count, wanted, String.format("%.1f", perContainer), mean.toMillis());
                changedAt = input.now();
                low = null;
            }
            if (!input.dryRun()) {
                containers = wanted;
                lastChange = changedAt;
                lowSince = low;
            }
            return ReplicateAll.replicas(input.service(), wanted);
        }

        /** Continue from what is running (after a swap), or start at the initial count. */
        private int startingCount(GeneratorInput input) {
            String prefix = input.service().name() + "-";
            long running = input.current().containers().stream().map(ContainerPlan::id)
                    .filter(id -> id.startsWith(prefix) && id.substring(prefix.length()).chars().allMatch(Character::isDigit))
                    .count();
            int start = running > 0 ? (int) running : thresholds.initialContainers();
            return Math.min(start, input.allocation().total());
        }
    }
}
