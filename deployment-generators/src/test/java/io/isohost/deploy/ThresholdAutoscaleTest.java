package io.isohost.deploy;

import io.isohost.descriptor.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.isohost.deploy.Services.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hello.xml: scale up above 80 requests/s per container, down below 30 after 60 s, 20 s cool-down. */
class ThresholdAutoscaleTest {
    ServiceDescriptor service = Services.hello(3);
    DeploymentGenerator scaler = Services.generator("threshold-autoscale", service, service.generator().orElseThrow().parameters());
    Deployment current = Deployment.empty("hello");

    /** One generation at {@code now} with the service receiving {@code rate} requests per second; returns the container count. */
    int step(Instant now, double rate) {
        return step(now, rate, Duration.ofMillis(20));
    }

    int step(Instant now, double rate, Duration mean) {
        current = scaler.generate(Services.input(service, Services.load(Map.of("hello-web", rate), mean), current, now));
        return current.containers().size();
    }

    @Test
    void startsWithTheInitialContainers() {
        assertEquals(1, step(T0, 0));
        assertEquals(List.of("hello-1"), current.routes().get("hello-web"));
    }

    @Test
    void addsAContainerAboveTheUpperRateThreshold() {
        assertEquals(1, step(T0, 79));
        assertEquals(2, step(T0.plusSeconds(1), 81));
        assertEquals(List.of("hello-1", "hello-2"), current.routes().get("hello-web"));
    }

    @Test
    void addsAContainerAboveTheUpperResponseThreshold() {
        service = Services.hello(3);
        scaler = Services.generator("threshold-autoscale", service,
                Map.of("scale-up-response", "500ms", "scale-down-response", "100ms"));
        assertEquals(1, step(T0, 5, Duration.ofMillis(300)));
        assertEquals(2, step(T0.plusSeconds(1), 5, Duration.ofMillis(700)));
    }

    @Test
    void waitsForTheCoolDownBetweenChanges() {
        assertEquals(2, step(T0, 500));
        assertEquals(2, step(T0.plusSeconds(10), 500));
        assertEquals(2, step(T0.plusSeconds(19), 500));
        assertEquals(3, step(T0.plusSeconds(20), 500));
    }

    @Test
    void neverGrowsBeyondTheAllocation() {
        for (int s = 0; s < 600; s += 15) {
            assertTrue(step(T0.plusSeconds(s), 10_000) <= 3);
        }
        assertEquals(3, current.containers().size());
    }

    @Test
    void removesAContainerOnlyAfterLoadStaysLowForTheGracePeriod() {
        step(T0, 200);
        assertEquals(2, step(T0.plusSeconds(1), 20));
        assertEquals(2, step(T0.plusSeconds(30), 20));
        assertEquals(2, step(T0.plusSeconds(60), 20));
        assertEquals(1, step(T0.plusSeconds(61), 20));
    }

    @Test
    void aMomentOfLoadRestartsTheGracePeriod() {
        step(T0, 200);
        step(T0.plusSeconds(1), 20);
        step(T0.plusSeconds(50), 100);
        assertEquals(2, step(T0.plusSeconds(62), 20));
        assertEquals(2, step(T0.plusSeconds(121), 20));
        assertEquals(1, step(T0.plusSeconds(122), 20));
    }

    @Test
    void doesNotRemoveAContainerIfTheRestWouldCrossTheUpperThreshold() {
        scaler = Services.generator("threshold-autoscale", service,
                Map.of("scale-up-rate", "80", "scale-down-rate", "45", "grace-period", "60s", "cool-down", "20s"));
        step(T0, 200);
        for (int s = 30; s < 600; s += 30) {
            assertEquals(2, step(T0.plusSeconds(s), 88), "88/s on one container would be above 80/s");
        }
    }

    @Test
    void thresholdAutoscaleNeverFlapsUnderOscillatingLoad() {
        List<Integer> counts = new ArrayList<>();
        // load swings every 15 s between well above the upper and well below the lower threshold
        for (int s = 0; s < 1200; s += 5) {
            double rate = (s / 15) % 2 == 0 ? 200 : 10;
            counts.add(step(T0.plusSeconds(s), rate));
        }
        int directionChanges = 0;
        int lastDirection = 0;
        for (int i = 1; i < counts.size(); i++) {
            int direction = Integer.signum(counts.get(i) - counts.get(i - 1));
            if (direction != 0 && lastDirection != 0 && direction != lastDirection) {
                directionChanges++;
            }
            lastDirection = direction == 0 ? lastDirection : direction;
        }
        assertEquals(0, directionChanges, counts.toString());
    }

    @Test
    void loadBetweenTheThresholdsChangesNothing() {
        step(T0, 200);
        for (int s = 30; s < 1200; s += 10) {
            double perContainer = s % 20 == 0 ? 31 : 79;
            assertEquals(2, step(T0.plusSeconds(s), perContainer * 2));
        }
    }

    @Test
    void aLoweredAllocationIsObeyedAtOnce() {
        step(T0, 500);
        assertEquals(3, step(T0.plusSeconds(20), 500));
        service = Services.hello(1);
        assertEquals(1, step(T0.plusSeconds(21), 500));
        assertEquals(List.of("hello-1"), current.routes().get("hello-web"));
    }

    @Test
    void aDryRunLeavesNoMemory() {
        Deployment seen = scaler.dryRun(Services.input(service, Services.load(Map.of("hello-web", 500.0), Duration.ZERO),
                current, T0));
        assertEquals(2, seen.containers().size());
        // had the dry run counted, the cool-down would hold this step at one container
        assertEquals(1, step(T0.plusSeconds(1), 0));
        assertEquals(2, step(T0.plusSeconds(2), 500));
    }

    @Test
    void continuesFromTheRunningContainersAfterASwap() {
        Deployment three = Services.generator("replicate-all", service, Map.of()).generate(GeneratorInput.initial(service, T0));
        current = three;
        assertEquals(3, step(T0, 150));
    }

    @Test
    void badParametersAreRefusedByName() {
        Map<String, String> inverted = new HashMap<>(Map.of("scale-up-rate", "10", "scale-down-rate", "20"));
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Services.generator("threshold-autoscale", service, inverted));
        assertTrue(e.getMessage().contains("scale-down-rate (20.0) must be below scale-up-rate (10.0)"), e.getMessage());
        e = assertThrows(GeneratorException.class, () -> Services.generator("threshold-autoscale", service,
                Map.of("scale-up-rate", "10", "scale-down-rate", "5", "grace", "1m")));
        assertTrue(e.getMessage().contains("no parameter 'grace'"), e.getMessage());
        e = assertThrows(GeneratorException.class, () -> Services.generator("threshold-autoscale", service,
                Map.of("scale-up-rate", "10", "scale-down-rate", "5", "cool-down", "soon")));
        assertTrue(e.getMessage().contains("'cool-down' must be a duration"), e.getMessage());
        e = assertThrows(GeneratorException.class, () -> Services.generator("threshold-autoscale", service, Map.of()));
        assertTrue(e.getMessage().contains("needs thresholds"), e.getMessage());
    }
}
