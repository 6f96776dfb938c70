package io.isohost.daemon.service;

import io.isohost.container.ContainerHost;
import io.isohost.container.LoadBalancerConfigurator;
import io.isohost.container.ServletMapping;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.daemon.deploy.DeploymentTarget;
import io.isohost.descriptor.LoadBalancerDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a service's load-balancer configuration class: loaded from its own artifacts, told of every
 * replica added or removed since the last deployment. A class that cannot be loaded or that throws
 * is logged; it never stops a deployment.
 */
final class LoadBalancerNotifier {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancerNotifier.class);

    private final String service;
    private final LoadBalancerDescriptor descriptor;
    private final LoadBalancerConfigurator configurator;
    private Set<LoadBalancerConfigurator.Replica> known = new HashSet<>();

    LoadBalancerNotifier(String service, LoadBalancerDescriptor descriptor) {
        this.service = service;
        this.descriptor = descriptor;
        this.configurator = load(descriptor);
    }

    /** The service's configuration class, if it could be loaded. */
    LoadBalancerConfigurator configurator() {
        return configurator;
    }

    boolean describes(LoadBalancerDescriptor other) {
        return descriptor.equals(other);
    }

    private static LoadBalancerConfigurator load(LoadBalancerDescriptor d) {
        try {
            URL[] urls = new URL[d.artifacts().size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = d.artifacts().get(i).toUri().toURL();
            }
            var loader = new URLClassLoader("lb:" + d.name(), urls, LoadBalancerNotifier.class.getClassLoader());
            Class<?> type = Class.forName(d.configurationClass(), true, loader);
            return type.asSubclass(LoadBalancerConfigurator.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError | java.io.IOException e) {
            log.warn("load balancer '{}': configuration class '{}' cannot be used: {}", d.name(), d.configurationClass(), e.toString());
            return null;
        }
    }

    /** Tells the configuration class what changed between the last call and {@code target}. */
    void update(DeploymentTarget target, ContainerHost host) {
        Set<LoadBalancerConfigurator.Replica> now = new LinkedHashSet<>();
        for (ContainerTarget t : target.containers()) {
            if (!t.service().equals(service)) {
                continue;
            }
            var endpoint = host.container(t.name()).flatMap(c -> c.endpoint());
            if (endpoint.isEmpty()) {
                continue;
            }
            for (var spec : t.components()) {
                if (host.container(t.name()).flatMap(c -> c.isolate(spec.name())).isEmpty()) {
                    continue;
                }
                for (ServletMapping m : spec.servlets()) {
                    now.add(new LoadBalancerConfigurator.Replica(service, m.name(), t.name(), endpoint.get(), m.urlPatterns()));
                }
                if (spec.servlets().isEmpty()) {
                    now.add(new LoadBalancerConfigurator.Replica(service, spec.name(), t.name(), endpoint.get(), List.of()));
                }
            }
        }
        if (configurator != null) {
            for (var gone : known) {
                if (!now.contains(gone)) {
                    call(() -> configurator.replicaRemoved(gone));
                }
            }
            for (var added : now) {
                if (!known.contains(added)) {
                    call(() -> configurator.replicaAdded(added));
                }
            }
        }
        known = now;
    }

    private void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("load balancer '{}' of {} threw: {}", descriptor.name(), service, e.toString());
        }
    }
}
