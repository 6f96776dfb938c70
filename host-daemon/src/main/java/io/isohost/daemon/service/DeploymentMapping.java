package io.isohost.daemon.service;

import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.ServletMapping;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.HostedComponent;
import io.isohost.descriptor.ComponentDescriptor;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.descriptor.ServletDescriptor;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a generator's {@link Deployment} into what the deployment manager applies: container
 * shapes become policies; an application-server instance carries its own servlets plus those of
 * the embedded components placed with it.
 */
final class DeploymentMapping {
    private DeploymentMapping() {
    }

    static List<ContainerTarget> targets(ServiceDescriptor service, Deployment deployment) {
        List<ContainerTarget> out = new ArrayList<>();
        for (ContainerPlan plan : deployment.containers()) {
            List<ComponentSpec> specs = new ArrayList<>();
            for (HostedComponent hosted : plan.components()) {
                ComponentDescriptor c = service.component(hosted.component()).orElseThrow(() -> new IllegalStateException(
                        "deployment of '" + service.name() + "' places unknown component '" + hosted.component() + "'"));
                specs.add(spec(service, c, hosted));
            }
            out.add(new ContainerTarget(plan.id(), service.name(), policies(plan.shape()), specs));
        }
        return out;
    }

    static ContainerPolicies policies(ContainerShape shape) {
        var b = ContainerPolicies.builder();
        shape.rates().forEach(b::rate);
        return b.cpuShare(shape.cpuShare()).cpuGuarantee(shape.cpuGuarantee()).maxConcurrency(shape.maxConcurrency())
                .allocationBytesPerSecond(shape.allocationBytesPerSecond()).build();
    }

    private static ComponentSpec spec(ServiceDescriptor service, ComponentDescriptor c, HostedComponent hosted) {
        List<ServletMapping> servlets = new ArrayList<>();
        c.servlets().forEach(s -> servlets.add(mapping(s)));
        for (EmbeddedComponentDescriptor e : service.embeddedIn(c.name())) {
            if (hosted.embedded().contains(e.name())) {
                e.servlets().forEach(s -> servlets.add(mapping(s)));
            }
        }
        var b = ComponentSpec.builder(c.name()).kind(c.kind()).artifacts(c.artifacts()).servlets(servlets)
                .arguments(c.arguments().toArray(String[]::new)).environment(c.environment());
        c.entryClass().ifPresent(b::entryClass);
        c.replicaSetup().ifPresent(r -> b.replication(r.tree(), r.configuratorClass(), 1));
        return b.build();
    }

    private static ServletMapping mapping(ServletDescriptor s) {
        return new ServletMapping(s.name(), s.className(), s.urlPatterns());
    }
}
