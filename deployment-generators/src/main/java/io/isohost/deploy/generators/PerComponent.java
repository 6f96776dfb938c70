package io.isohost.deploy.generators;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.GeneratorInput;
import io.isohost.deploy.GeneratorSettings;
import io.isohost.deploy.HostedComponent;
import io.isohost.deploy.internal.ServiceLayout;
import io.isohost.deploy.internal.ServiceLayout.Unit;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.FasterThan;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.descriptor.Sla;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places embedded components (and other replicable components) by request frequency and SLA.
 *
 * <p>Units of placement are ranked into priority classes: an SLA's {@code priority}, raised so that
 * every {@code faster-than} component ranks above the one it must beat. Each class gets containers
 * of its own, so slow requests never queue in front of fast ones; containers are shared out in
 * proportion to each class's demand (its request rate, or its SLA's minimum rate, or 1 when
 * neither is known; scaled up when its mean response misses its SLA) multiplied by
 * {@code priority-weight} (default 2) for each class it ranks above the lowest. The best-shaped
 * containers go to the highest class. With fewer containers than classes, the lowest classes
 * share one. Where it can, it keeps a container hosting the same units as before, so small changes
 * in load move little.
 */
public final class PerComponent implements DeploymentGeneratorProvider {
    public static final String NAME = "per-component";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "places embedded components by request rate and SLA, higher priorities in more containers of their own";
    }

    @Override
    public DeploymentGenerator create(GeneratorSettings settings) {
        settings.requireOnly(NAME, Set.of("priority-weight"));
        double weight = settings.decimal("priority-weight").orElse(2.0);
        if (weight < 1) {
            throw new GeneratorException("generator parameter 'priority-weight' must be at least 1: " + weight);
        }
        return input -> place(input, weight);
    }

    /** Shapes by the work they admit: the sum of their rates (none is unlimited), then their CPU share (none is all). */
    private static final Comparator<ContainerShape> BY_CAPACITY = Comparator
            .comparingDouble((ContainerShape s) -> unlimitedIfZero(s.rates().values().stream().mapToDouble(Double::doubleValue).sum()))
            .thenComparingDouble(s -> s.cpuShare() == 0 ? 1 : s.cpuShare());

    private static double unlimitedIfZero(double limit) {
        return limit == 0 ? Double.POSITIVE_INFINITY : limit;
    }

    private record PriorityClass(List<Unit> units, double demand) {
        Set<String> names() {
            Set<String> names = new HashSet<>();
            units.forEach(u -> names.add(u.name()));
            return names;
        }
    }

    private static Deployment place(GeneratorInput input, double weight) {
        ServiceDescriptor service = input.service();
        List<ContainerPlan> containers = new ArrayList<>(ServiceLayout.dedicatedContainers(service));
        List<Unit> units = ServiceLayout.units(service);
        List<ContainerShape> slots = service.allocation().slots();
        if (units.isEmpty() || slots.isEmpty()) {
            return new Deployment(service.name(), containers);
        }
        List<PriorityClass> classes = classes(input, units, weight, slots.size());
        int[] counts = shares(classes, slots.size());

        // best shapes first; among equals, lower index first so that ids stay put
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            free.add(i);
        }
        free.sort(Comparator.comparing((Integer i) -> slots.get(i), BY_CAPACITY.reversed()).thenComparing(i -> i));
        Map<Integer, PriorityClass> assigned = new TreeMap<>();
        for (int c = 0; c < classes.size(); c++) {
            Set<String> names = classes.get(c).names();
            int taken = 0;
            for (Integer slot : List.copyOf(free)) {
                if (taken < counts[c] && hostedBefore(input, service, slot).equals(names)) {
                    assigned.put(slot, classes.get(c));
                    free.remove(slot);
                    taken++;
                }
            }
            counts[c] -= taken;
        }
        for (int c = 0; c < classes.size(); c++) {
            for (int n = 0; n < counts[c]; n++) {
                assigned.put(free.removeFirst(), classes.get(c));
            }
        }
        assigned.forEach((slot, cls) -> containers.add(new ContainerPlan(ServiceLayout.allocatedId(service, slot + 1),
                slots.get(slot), ServiceLayout.hosting(cls.units()))));
        return new Deployment(service.name(), containers);
    }

    /** Classes from the highest priority down; with more classes than containers, the lowest are merged. */
    private static List<PriorityClass> classes(GeneratorInput input, List<Unit> units, double weight, int containers) {
        Map<String, Integer> level = levels(input.service(), units);
        TreeMap<Integer, List<Unit>> byLevel = new TreeMap<>(Comparator.reverseOrder());
        for (Unit u : units) {
            byLevel.computeIfAbsent(level.get(u.name()), k -> new ArrayList<>()).add(u);
        }
        List<List<Unit>> grouped = new ArrayList<>(byLevel.values());
        while (grouped.size() > containers) {
            List<Unit> lowest = grouped.removeLast();
            grouped.getLast().addAll(lowest);
        }
        List<PriorityClass> classes = new ArrayList<>();
        for (int i = 0; i < grouped.size(); i++) {
            double boost = Math.pow(weight, grouped.size() - 1 - i);
            double demand = grouped.get(i).stream().mapToDouble(u -> demand(input, u)).sum();
            classes.add(new PriorityClass(grouped.get(i), demand * boost));
        }
        return classes;
    }

    /** An SLA's priority, raised until each faster-than component ranks above the one it must beat. */
    private static Map<String, Integer> levels(ServiceDescriptor service, List<Unit> units) {
        Map<String, Integer> level = new HashMap<>();
        for (Unit u : units) {
            level.put(u.name(), service.sla(u.name()).map(Sla::priority).orElse(0));
        }
        // the relation has no cycles (the parser checks), so this settles within as many rounds as units
        for (int round = 0; round < units.size(); round++) {
            boolean changed = false;
            for (FasterThan f : service.fasterThan()) {
                Integer fast = level.get(f.faster());
                Integer slow = level.get(f.slower());
                if (fast != null && slow != null && fast <= slow) {
                    level.put(f.faster(), slow + 1);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return level;
    }

    private static double demand(GeneratorInput input, Unit unit) {
        ServiceDescriptor service = input.service();
        double rate = ServiceLayout.rate(input.performance(), service, unit);
        if (rate <= 0) {
            rate = service.sla(unit.name()).flatMap(Sla::minRate).orElse(1.0);
        }
        Duration mean = ServiceLayout.meanResponse(input.performance(), unit);
        Duration target = service.sla(unit.name()).flatMap(Sla::maxMeanResponse).orElse(Duration.ZERO);
        if (!target.isZero() && mean.compareTo(target) > 0) {
            rate *= (double) mean.toNanos() / target.toNanos();
        }
        return rate;
    }

    /** One container per class, the rest by highest demand per container (D'Hondt); ties go to the higher class. */
    private static int[] shares(List<PriorityClass> classes, int containers) {
        int[] counts = new int[classes.size()];
        Arrays.fill(counts, 1);
        for (int left = containers - classes.size(); left > 0; left--) {
            int best = 0;
            for (int c = 1; c < classes.size(); c++) {
                if (classes.get(c).demand() / (counts[c] + 1) > classes.get(best).demand() / (counts[best] + 1)) {
                    best = c;
                }
            }
            counts[best]++;
        }
        return counts;
    }

    /** The units the current deployment has in allocated container {@code slot}. */
    private static Set<String> hostedBefore(GeneratorInput input, ServiceDescriptor service, int slot) {
        Set<String> names = new HashSet<>();
        input.current().container(ServiceLayout.allocatedId(service, slot + 1)).ifPresent(c -> {
            for (HostedComponent h : c.components()) {
                if (h.embedded().isEmpty()) {
                    names.add(h.component());
                } else {
                    names.addAll(h.embedded());
                }
            }
        });
        return names;
    }
}
