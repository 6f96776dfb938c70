package io.isohost.deploy;

import io.isohost.descriptor.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.isohost.deploy.Services.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicateAllTest {
    final ServiceDescriptor rubis = Services.rubis();

    @Test
    void replicateAllPutsEveryComponentInEveryAllocatedContainer() {
        ServiceDescriptor four = rubis.withAllocation(rubis.allocation().withTotal(4));
        Deployment d = Services.generator("replicate-all", four, Map.of()).generate(GeneratorInput.initial(four, T0));
        List<ContainerPlan> allocated = d.containers().stream().filter(c -> c.id().matches("rubis-\\d+")).toList();
        assertEquals(List.of("rubis-1", "rubis-2", "rubis-3", "rubis-4"), allocated.stream().map(ContainerPlan::id).toList());
        for (ContainerPlan c : allocated) {
            assertEquals(20, c.component("rubis-web").orElseThrow().embedded().size(), c.id());
            assertEquals(10.0, c.shape().rates().get("rubis.tx"));
        }
    }

    @Test
    void statefulComponentGetsOneContainerOfItsOwnShapeOutsideTheAllocation() {
        Deployment d = Services.generator("replicate-all", rubis, Map.of()).generate(GeneratorInput.initial(rubis, T0));
        ContainerPlan db = d.container("rubis-rubis-db").orElseThrow();
        assertEquals("database", db.shape().name());
        assertEquals(List.of(HostedComponent.of("rubis-db")), db.components());
        assertEquals(List.of("rubis-rubis-db"), d.routes().get("rubis-db"));
        assertEquals(2, d.containers().size());
    }

    @Test
    void equalInputsGiveEqualDeploymentsSoTheDiffIsEmpty() {
        DeploymentGenerator g = Services.generator("replicate-all", rubis, Map.of());
        Deployment first = g.generate(GeneratorInput.initial(rubis, T0));
        Deployment second = g.generate(Services.input(rubis, PerformanceData.NONE, first, T0.plusSeconds(5)));
        assertEquals(first, second);
        assertTrue(Deployment.diff(first, second).isEmpty());
    }

    @Test
    void raisingTheAllocationAddsOneContainerAndTouchesNoOther() {
        DeploymentGenerator g = Services.generator("replicate-all", rubis, Map.of());
        Deployment one = g.generate(GeneratorInput.initial(rubis, T0));
        ServiceDescriptor two = rubis.withAllocation(rubis.allocation().withTotal(2));
        Deployment next = g.generate(Services.input(two, PerformanceData.NONE, one, T0));
        DeploymentDiff diff = Deployment.diff(one, next);
        assertEquals(List.of("rubis-2"), diff.addedContainers().stream().map(ContainerPlan::id).toList());
        assertTrue(diff.removedContainers().isEmpty() && diff.started().isEmpty() && diff.rescoped().isEmpty());
    }

    @Test
    void itTakesNoParameters() {
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Services.generator("replicate-all", rubis, Map.of("count", "3")));
        assertEquals("generator replicate-all has no parameter 'count'; it takes none", e.getMessage());
    }
}
