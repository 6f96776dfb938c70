package io.isohost.deploy.generators;

import io.isohost.deploy.ContainerPlan;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.deploy.GeneratorSettings;
import io.isohost.deploy.HostedComponent;
import io.isohost.deploy.internal.ServiceLayout;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.ServiceDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The paper's simple generator: every allocated container hosts a full replica (each replicable
 * component, application servers with all their embedded components); stateful components get a
 * container each. It takes no parameters and keeps no memory.
 */
public final class ReplicateAll implements DeploymentGeneratorProvider {
    public static final String NAME = "replicate-all";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "every allocated container hosts every replicable component";
    }

    @Override
    public DeploymentGenerator create(GeneratorSettings settings) {
        settings.requireOnly(NAME, Set.of());
        return input -> replicas(input.service(), input.allocation().total());
    }

    /** The first {@code count} allocated containers, each with a full replica, plus the stateful components' containers. */
    static Deployment replicas(ServiceDescriptor service, int count) {
        List<ContainerPlan> containers = new ArrayList<>(ServiceLayout.dedicatedContainers(service));
        List<HostedComponent> replica = ServiceLayout.fullReplica(service);
        if (!replica.isEmpty()) {
            List<ContainerShape> slots = service.allocation().slots();
            for (int i = 0; i < Math.min(count, slots.size()); i++) {
                containers.add(new ContainerPlan(ServiceLayout.allocatedId(service, i + 1), slots.get(i), replica));
            }
        }
        return new Deployment(service.name(), containers);
    }
}
