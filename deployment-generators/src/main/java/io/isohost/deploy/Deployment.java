package io.isohost.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a service's components run: its containers, each with its policies and the components it
 * hosts. An immutable value: generators that are given equal inputs return equal deployments, and
 * {@link #diff(Deployment, Deployment)} of equal deployments is empty.
 */
public record Deployment(String service, List<ContainerPlan> containers) {

    public Deployment {
        Objects.requireNonNull(service, "service");
        containers = containers.stream().sorted(Comparator.comparing(ContainerPlan::id, Deployment::compareIds)).toList();
        Set<String> ids = new HashSet<>();
        for (ContainerPlan c : containers) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("deployment of '" + service + "' names container '" + c.id() + "' twice");
            }
        }
    }

    /** A service with no containers, as before its first deployment. */
    public static Deployment empty(String service) {
        return new Deployment(service, List.of());
    }

    public Optional<ContainerPlan> container(String id) {
        return containers.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /**
     * The routing table: for every component and embedded component, the ids of the containers that
     * serve it, in container order.
     */
    public Map<String, List<String>> routes() {
        Map<String, List<String>> routes = new TreeMap<>();
        for (ContainerPlan c : containers) {
            for (HostedComponent h : c.components()) {
                routes.computeIfAbsent(h.component(), k -> new ArrayList<>()).add(c.id());
                for (String e : h.embedded()) {
                    routes.computeIfAbsent(e, k -> new ArrayList<>()).add(c.id());
                }
            }
        }
        routes.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(routes);
    }

    /** What the deployment manager must do to go from {@code from} to {@code to}. */
    public static DeploymentDiff diff(Deployment from, Deployment to) {
        return DeploymentDiff.between(from, to);
    }

    /** Orders {@code rubis-2} before {@code rubis-10}: by the text before a trailing number, then by the number. */
    static int compareIds(String a, String b) {
        int ia = trailingDigits(a);
        int ib = trailingDigits(b);
        boolean numbered = ia < a.length() && ib < b.length() && a.substring(0, ia).equals(b.substring(0, ib));
        if (!numbered) {
            return a.compareTo(b);
        }
        String na = a.substring(ia);
        String nb = b.substring(ib);
        return na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
    }

    private static int trailingDigits(String s) {
        int i = s.length();
        while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }
}
