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

import io.isohost.container.ServletMapping;
import io.isohost.lb.Endpoint;
import io.isohost.lb.Route;
import io.isohost.lb.RouteKey;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the host match a {@link DeploymentTarget} by difference: creates and destroys containers,
 * retunes policies in place, starts and stops isolates. It decides nothing; generators do. The
 * target is written to the data directory before anything changes, so a host that dies during an
 * apply converges to it on restart. Applying the same target twice changes nothing.
 * <p>
 * No request fails because of an apply: what is new starts and serves before the balancer routes
 * to it; a container leaving is taken out of the balancer's routes and drained (its requests in
 * flight finish, up to the drain timeout) before it stops; containers whose isolates change are
 * drained the same way while the others serve, changed, and routed again; a container or isolate
 * that stays as it was is not touched.
 */
public final class DeploymentManager implements QuotaKeeper {
    private static final Logger log = LoggerFactory.getLogger(DeploymentManager.class);

    private final ContainerHost host;
    private final TargetStore store;
    private final Duration grace;
    private final Duration drainTimeout;
    private final BalancerBinding balancer;
    private DeploymentTarget current = DeploymentTarget.EMPTY;
    private final OperatorQuotas operator;

    /**
     * Reads the operators' quotas the data directory keeps; a file that cannot be read stops the host from starting.
     *
     * @param grace        how long a stopping isolate may take to finish its work before it is forced
     * @param drainTimeout how long a container leaving the balancer's routes may take to finish its requests
     */
    public DeploymentManager(ContainerHost host, TargetStore store, Duration grace, Duration drainTimeout, BalancerBinding balancer) {
        this.host = host;
        this.store = store;
        this.grace = grace;
        this.drainTimeout = drainTimeout;
        this.balancer = balancer;
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

    /** The binding to the host's balancer that every apply publishes to. */
    public BalancerBinding balancer() {
        return balancer;
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

        // 1. make what is new, touching nothing that serves: new containers, new isolates beside the others
        List<ContainerTarget> changing = new ArrayList<>();
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
                if (c.isolates().stream().anyMatch(iso -> !t.components().contains(iso.spec()))) {
                    changing.add(t); // an isolate must stop or change: done once the balancer has drained it
                } else {
                    install(c, t, started, failures);
                }
            } catch (RuntimeException e) {
                failures.add("container '" + t.name() + "': " + e.getMessage());
            }
        }
        // containers leaving keep serving what they serve until every container that stays has changed
        List<ContainerTarget> leaving = current.containers().stream().filter(t -> !wanted.containsKey(t.name())).toList();
        List<ContainerTarget> serving = new ArrayList<>(target.containers());
        serving.addAll(leaving);
        current = target;
        // 2. route to what serves now: the new containers join
        publishRoutes(serving);

        // 3. containers whose isolates change: drained together (a request for a route only they serve
        //    waits in the balancer's queue meanwhile), changed, then routed again in one table, so that
        //    a route moving from one of them to another is never without a host in between
        if (!changing.isEmpty()) {
            drain(changing.stream().flatMap(t -> host.container(t.name()).stream()).toList());
            for (ContainerTarget t : changing) {
                host.container(t.name()).ifPresent(c -> {
                    for (Isolate iso : c.isolates()) {
                        if (!t.components().contains(iso.spec())) {
                            c.uninstall(iso.spec().name(), grace);
                            stopped.add(iso.id());
                        }
                    }
                    install(c, t, started, failures);
                });
            }
            publishRoutes(serving);
        }

        // 4. containers leaving: out of the routes, drained together, then stopped
        List<ServiceContainer> gone = host.containers().stream()
                .filter(c -> !wanted.containsKey(c.name()) && managed(c.name())).toList();
        if (!gone.isEmpty()) {
            publishRoutes(target.containers());
            drain(gone);
            for (ServiceContainer c : gone) {
                host.destroy(c.name(), grace);
                destroyed.add(c.name());
            }
        }
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

    /** Starts the target's components the container does not run yet. */
    private static void install(ServiceContainer c, ContainerTarget t, List<String> started, List<String> failures) {
        for (ComponentSpec s : t.components()) {
            if (c.isolate(s.name()).isEmpty()) {
                try {
                    started.add(c.install(s).id());
                } catch (IsolateException e) {
                    failures.add(e.getMessage());
                }
            }
        }
    }

    /** Waits until the balancer has nothing in flight to these containers (they get nothing new), at most the drain timeout. */
    private void drain(List<ServiceContainer> containers) {
        List<CompletableFuture<Boolean>> drains = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ServiceContainer c : containers) {
            c.endpoint().ifPresent(uri -> {
                drains.add(balancer.drain(uri, drainTimeout));
                names.add(c.name());
            });
        }
        for (int i = 0; i < drains.size(); i++) {
            if (!drains.get(i).join()) {
                log.warn("container {}: requests still in flight after the drain timeout of {} ms; stopping it anyway",
                        names.get(i), drainTimeout.toMillis());
            }
        }
    }

    /** Containers made by hand through the admin API are left alone unless a target names them. */
    private boolean managed(String container) {
        return current.byName().containsKey(container) || store.everManaged(container);
    }

    /**
     * Tells the balancer where each route can be reached now: the running isolates of
     * {@code containers}, each as the spec it runs (a container not yet changed still serves its
     * old components). One route per servlet of a service, so that an application server's embedded
     * components are routed, balanced and measured each on its own, and no two services share a route.
     */
    private void publishRoutes(List<ContainerTarget> containers) {
        Map<RouteKey, List<Endpoint>> endpoints = new LinkedHashMap<>();
        Map<RouteKey, List<String>> patterns = new LinkedHashMap<>();
        for (ContainerTarget t : containers) {
            Optional<ServiceContainer> c = host.container(t.name());
            if (c.isEmpty() || c.get().endpoint().isEmpty()) {
                continue;
            }
            for (Isolate iso : c.get().isolates()) {
                for (ServletMapping m : iso.spec().servlets()) {
                    RouteKey route = new RouteKey(t.service(), m.name());
                    endpoints.computeIfAbsent(route, k -> new ArrayList<>()).add(new Endpoint(c.get().endpoint().get(), t.name()));
                    patterns.putIfAbsent(route, m.urlPatterns());
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        endpoints.forEach((route, eps) -> routes.add(new Route(route, patterns.get(route), eps)));
        balancer.publish(routes);
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
