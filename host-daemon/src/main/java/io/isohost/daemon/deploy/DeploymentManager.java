package io.isohost.daemon.deploy;

import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerHost;
import io.isohost.container.Isolate;
import io.isohost.container.IsolateException;
import io.isohost.container.Quota;
import io.isohost.container.QuotaKeeper;
import io.isohost.container.ServiceContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.isohost.lb.Endpoint;
import io.isohost.lb.RouteKey;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes the host match a {@link DeploymentTarget} by difference: creates and destroys containers,
 * retunes policies in place, starts and stops isolates. It decides nothing; generators do. The
 * target is written to the data directory before anything changes, so a host that dies during an
 * apply converges to it on restart. Applying the same target twice changes nothing.
 */
public final class DeploymentManager implements QuotaKeeper {
    private static final Logger log = LoggerFactory.getLogger(DeploymentManager.class);

    private final ContainerHost host;
    private final TargetStore store;
    private final Duration grace;
    private final List<RouteListener> listeners = new CopyOnWriteArrayList<>();
    private DeploymentTarget current = DeploymentTarget.EMPTY;
    private final OperatorQuotas operator;

    /** Reads the operators' quotas the data directory keeps; a file that cannot be read stops the host from starting. */
    public DeploymentManager(ContainerHost host, TargetStore store, Duration grace) {
        this.host = host;
        this.store = store;
        this.grace = grace;
        try {
            this.operator = store.loadOperatorQuotas();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the operators' quotas: " + e.getMessage(), e);
        }
    }

    /**
     * An operator's quota change on a container. On a deployed container it becomes part of the
     * desired state: applied over the descriptor's values now and on every later apply, and kept
     * across restarts. A container made by hand is changed at once and nothing is kept.
     */
    @Override
    public synchronized void set(ServiceContainer c, Quota quota) {
        ContainerTarget t = current.byName().get(c.name());
        if (t == null) {
            synchronized (c) {
                c.applyPolicies(quota.applyTo(c.policies()));
            }
            return;
        }
        c.applyPolicies(quota.applyTo(operator.over(t.name(), t.policies()))); // a bad value stops here
        operator.set(t.name(), quota);
        try {
            store.saveOperatorQuotas(operator);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("quota applied but not saved: " + e.getMessage(), e);
        }
        log.info("container {}: operator set {}", c.name(), quota);
    }

    /**
     * Which of a container's quotas an operator set ({@code rate:RESOURCE}, {@code cpuShare},
     * {@code maxConcurrency}); the others come from its service's descriptor.
     */
    public synchronized java.util.Set<String> operatorQuotas(String container) {
        return operator.keys(container);
    }

    /** The key {@link #operatorQuotas} uses for a quota. */
    public static String quotaKey(Quota quota) {
        return OperatorQuotas.key(quota);
    }

    public void addRouteListener(RouteListener listener) {
        listeners.add(listener);
    }

    public synchronized DeploymentTarget current() {
        return current;
    }

    /**
     * The target a previous run was applying, if any, for the host to converge to. The custom
     * resources its rates name (rubis.tx) were registered when it was made, so they are registered
     * again here before anything is applied.
     */
    public synchronized Optional<DeploymentTarget> saved() throws IOException {
        Optional<DeploymentTarget> saved = store.load();
        saved.ifPresent(t -> {
            log.info("the previous run left deployment version {}", t.version());
            t.containers().forEach(c -> c.policies().rates().keySet().forEach(host.resources()::registerCounted));
        });
        return saved;
    }

    /**
     * Applies {@code target}. A container or isolate that cannot be made is reported and the rest
     * still applied; the exception lists every failure.
     */
    public synchronized ApplyReport apply(DeploymentTarget target) throws IOException {
        long t0 = System.nanoTime();
        store.save(target);
        List<String> created = new ArrayList<>();
        List<String> destroyed = new ArrayList<>();
        List<String> retuned = new ArrayList<>();
        List<String> started = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, ContainerTarget> wanted = target.byName();
        if (operator.retainOnly(wanted.keySet())) {
            store.saveOperatorQuotas(operator); // a container that left the deployment takes its quotas with it
        }

        // containers no longer wanted go first, so that their ports and CPU guarantees are free
        for (ServiceContainer c : host.containers()) {
            if (!wanted.containsKey(c.name()) && managed(c.name())) {
                host.destroy(c.name(), grace);
                destroyed.add(c.name());
            }
        }
        for (ContainerTarget t : target.containers()) {
            try {
                Optional<ServiceContainer> existing = host.container(t.name());
                ServiceContainer c;
                if (existing.isEmpty()) {
                    c = host.create(ContainerConfig.leaf(t.name(), operator.over(t.name(), t.policies())));
                    created.add(t.name());
                } else {
                    c = existing.get();
                    if (c.applyPolicies(operator.over(t.name(), t.policies()))) {
                        retuned.add(t.name());
                    }
                }
                Map<String, ComponentSpec> components = new LinkedHashMap<>();
                t.components().forEach(s -> components.put(s.name(), s));
                for (Isolate iso : c.isolates()) {
                    ComponentSpec want = components.get(iso.spec().name());
                    if (want == null || !want.equals(iso.spec())) {
                        c.uninstall(iso.spec().name(), grace);
                        stopped.add(iso.id());
                    }
                }
                for (ComponentSpec s : t.components()) {
                    if (c.isolate(s.name()).isEmpty()) {
                        try {
                            started.add(c.install(s).id());
                        } catch (IsolateException e) {
                            failures.add(e.getMessage());
                        }
                    }
                }
            } catch (RuntimeException e) {
                failures.add("container '" + t.name() + "': " + e.getMessage());
            }
        }
        current = target;
        publishRoutes(target);
        var report = new ApplyReport(target.version(), created, destroyed, retuned, started, stopped,
                (System.nanoTime() - t0) / 1_000_000);
        if (!report.changedNothing()) {
            log.info("applied deployment {}: +{} -{} ~{} containers, {} isolates started, {} stopped in {} ms",
                    target.version(), created.size(), destroyed.size(), retuned.size(), started.size(), stopped.size(),
                    report.millis());
        }
        if (!failures.isEmpty()) {
            throw new DeploymentException(report, failures);
        }
        return report;
    }

    /** Containers made by hand through the admin API are left alone unless a target names them. */
    private boolean managed(String container) {
        return current.byName().containsKey(container) || store.everManaged(container);
    }

    private void publishRoutes(DeploymentTarget target) {
        Map<RouteKey, List<Endpoint>> endpoints = new LinkedHashMap<>();
        Map<RouteKey, List<String>> patterns = new LinkedHashMap<>();
        for (ContainerTarget t : target.containers()) {
            Optional<ServiceContainer> c = host.container(t.name());
            if (c.isEmpty() || c.get().endpoint().isEmpty()) {
                continue;
            }
            for (ComponentSpec s : t.components()) {
                if (c.get().isolate(s.name()).isEmpty()) {
                    continue;
                }
                // one route per servlet of a service, so that an application server's embedded components
                // are routed, balanced and measured each on its own, and no two services share a route
                Map<String, List<String>> own = new LinkedHashMap<>();
                s.servlets().forEach(m -> own.put(m.name(), m.urlPatterns()));
                if (own.isEmpty()) {
                    own.put(s.name(), List.of());
                }
                own.forEach((name, urls) -> {
                    RouteKey route = new RouteKey(t.service(), name);
                    endpoints.computeIfAbsent(route, k -> new ArrayList<>()).add(new Endpoint(c.get().endpoint().get(), t.name()));
                    patterns.putIfAbsent(route, urls);
                });
            }
        }
        Map<RouteKey, RouteListener.Route> routes = new LinkedHashMap<>();
        endpoints.forEach((route, eps) -> routes.put(route, new RouteListener.Route(route, patterns.get(route), List.copyOf(eps))));
        for (RouteListener l : listeners) {
            try {
                l.routesChanged(Map.copyOf(routes));
            } catch (RuntimeException e) {
                log.warn("route listener {} failed: {}", l, e.toString());
            }
        }
    }

    /** Some parts of a target could not be applied; the rest was. */
    public static final class DeploymentException extends IOException {
        private final transient ApplyReport report;
        private final List<String> failures;

        DeploymentException(ApplyReport report, List<String> failures) {
            super("deployment " + report.version() + " applied with " + failures.size() + " failure(s): "
                    + String.join("; ", failures));
            this.report = report;
            this.failures = List.copyOf(failures);
        }

        public ApplyReport report() {
            return report;
        }

        public List<String> failures() {
            return failures;
        }
    }
}
