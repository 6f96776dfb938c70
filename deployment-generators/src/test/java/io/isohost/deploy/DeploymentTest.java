package io.isohost.deploy;

import io.isohost.descriptor.ContainerShape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentTest {
    static final ContainerShape SMALL = new ContainerShape("small", Map.of("rubis.tx", 10.0), 0.25, 0, 0, 0, 0);
    static final ContainerShape LARGE = new ContainerShape("large", Map.of("rubis.tx", 20.0), 0.5, 0, 0, 0, 0);

    static ContainerPlan app(String id, ContainerShape shape, String... servlets) {
        return new ContainerPlan(id, shape, List.of(HostedComponent.of("web", List.of(servlets))));
    }

    @Test
    void equalDeploymentsHaveAnEmptyDiff() {
        Deployment a = new Deployment("s", List.of(app("s-1", SMALL, "A", "B"), app("s-2", SMALL, "A")));
        Deployment b = new Deployment("s", List.of(app("s-2", SMALL, "A"), app("s-1", SMALL, "B", "A")));
        assertEquals(a, b);
        assertTrue(Deployment.diff(a, b).isEmpty());
    }

    @Test
    void diffAddsAndRemovesContainersById() {
        Deployment before = new Deployment("s", List.of(app("s-1", SMALL, "A"), app("s-2", SMALL, "A")));
        Deployment after = new Deployment("s", List.of(app("s-1", SMALL, "A"), app("s-3", SMALL, "A")));
        DeploymentDiff diff = Deployment.diff(before, after);
        assertEquals(List.of("s-3"), diff.addedContainers().stream().map(ContainerPlan::id).toList());
        assertEquals(List.of("s-2"), diff.removedContainers().stream().map(ContainerPlan::id).toList());
        assertTrue(diff.started().isEmpty() && diff.stopped().isEmpty() && diff.reshaped().isEmpty());
    }

    @Test
    void diffChangesPoliciesOfAKeptContainerInPlace() {
        Deployment before = new Deployment("s", List.of(app("s-1", SMALL, "A")));
        Deployment after = new Deployment("s", List.of(app("s-1", LARGE, "A")));
        DeploymentDiff diff = Deployment.diff(before, after);
        assertEquals(List.of(new DeploymentDiff.Reshape("s-1", SMALL, LARGE)), diff.reshaped());
        assertTrue(diff.addedContainers().isEmpty() && diff.removedContainers().isEmpty() && diff.rescoped().isEmpty());
    }

    @Test
    void diffStartsAndStopsComponentsInKeptContainers() {
        Deployment before = new Deployment("s", List.of(new ContainerPlan("s-1", SMALL,
                List.of(HostedComponent.of("cache"), HostedComponent.of("web", List.of("A"))))));
        Deployment after = new Deployment("s", List.of(new ContainerPlan("s-1", SMALL,
                List.of(HostedComponent.of("web", List.of("A")), HostedComponent.of("worker")))));
        DeploymentDiff diff = Deployment.diff(before, after);
        assertEquals(List.of(new DeploymentDiff.Placement("s-1", HostedComponent.of("worker"))), diff.started());
        assertEquals(List.of(new DeploymentDiff.Placement("s-1", HostedComponent.of("cache"))), diff.stopped());
    }

    @Test
    void diffRescopesAnApplicationServerWhoseEmbeddedComponentsChange() {
        Deployment before = new Deployment("s", List.of(app("s-1", SMALL, "A", "B")));
        Deployment after = new Deployment("s", List.of(app("s-1", SMALL, "B", "C")));
        DeploymentDiff.Rescope rescope = Deployment.diff(before, after).rescoped().getFirst();
        assertEquals("web", rescope.component());
        assertEquals(List.of("C"), List.copyOf(rescope.embeddedToStart()));
        assertEquals(List.of("A"), List.copyOf(rescope.embeddedToStop()));
    }

    @Test
    void routesListTheContainersServingEachComponentAndEmbeddedComponent() {
        Deployment d = new Deployment("s", List.of(app("s-10", SMALL, "A"), app("s-2", SMALL, "A", "B")));
        assertEquals(List.of("s-2", "s-10"), d.routes().get("A"));
        assertEquals(List.of("s-2"), d.routes().get("B"));
        assertEquals(List.of("s-2", "s-10"), d.routes().get("web"));
    }

    @Test
    void containerIdsAreUnique() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Deployment("s", List.of(app("s-1", SMALL, "A"), app("s-1", LARGE, "B"))));
        assertTrue(e.getMessage().contains("'s-1' twice"), e.getMessage());
    }
}
