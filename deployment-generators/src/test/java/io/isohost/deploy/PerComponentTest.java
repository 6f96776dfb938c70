package io.isohost.deploy;

import io.isohost.descriptor.Allocation;
import io.isohost.descriptor.ContainerShape;
import io.isohost.descriptor.EmbeddedComponentDescriptor;
import io.isohost.descriptor.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.isohost.deploy.Services.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerComponentTest {
    static final Set<String> BIDDING = Set.of("PutBidAuth", "PutBid", "StoreBid");
    final ServiceDescriptor rubis = Services.rubis();

    ServiceDescriptor rubis(int containers) {
        return rubis.withAllocation(rubis.allocation().withTotal(containers));
    }

    Map<String, Double> everyServletAt(double rate) {
        Map<String, Double> rates = new HashMap<>();
        rubis.embeddedIn("rubis-web").forEach(e -> rates.put(e.name(), rate));
        return rates;
    }

    Deployment generate(String generator, ServiceDescriptor service, Map<String, Double> rates) {
        return Services.generator(generator, service, Map.of()).generate(
                Services.input(service, Services.load(rates, Duration.ofMillis(50)), Deployment.empty("rubis"), T0));
    }

    /**
     * The mean request rate on the containers serving {@code servlet}, when each servlet's requests
     * are spread evenly over the containers that serve it: what its requests queue behind.
     */
    static double loadSeenBy(String servlet, Deployment d, Map<String, Double> rates) {
        Map<String, Double> containerLoad = new HashMap<>();
        d.routes().forEach((name, containers) -> {
            if (rates.containsKey(name)) {
                containers.forEach(c -> containerLoad.merge(c, rates.get(name) / containers.size(), Double::sum));
            }
        });
        return d.routes().get(servlet).stream().mapToDouble(containerLoad::get).average().orElseThrow();
    }

    @Test
    void biddingServletsRunOnLessLoadedContainersThanBrowsingAtTheSameAllocation() {
        Map<String, Double> rates = everyServletAt(2.0);
        Deployment perComponent = generate("per-component", rubis(6), rates);
        Deployment replicateAll = generate("replicate-all", rubis(6), rates);
        for (String bid : BIDDING) {
            for (String browse : List.of("BrowseCategories", "ViewItem", "SearchItemsByCategory")) {
                assertTrue(loadSeenBy(bid, perComponent, rates) < loadSeenBy(browse, perComponent, rates), bid + " vs " + browse);
                assertEquals(loadSeenBy(bid, replicateAll, rates), loadSeenBy(browse, replicateAll, rates), 1e-9);
            }
            assertTrue(loadSeenBy(bid, perComponent, rates) < loadSeenBy(bid, replicateAll, rates), bid);
        }
    }

    @Test
    void busierPriorityClassGetsMoreContainers() {
        Map<String, Double> rates = everyServletAt(0.5);
        BIDDING.forEach(b -> rates.put(b, 30.0));
        Deployment d = generate("per-component", rubis(8), rates);
        assertTrue(d.routes().get("PutBid").size() > d.routes().get("BrowseCategories").size(), d.routes().toString());
        assertTrue(d.routes().get("StoreBid").size() > d.routes().get("ViewItem").size(), d.routes().toString());
    }

    @Test
    void everyEmbeddedComponentIsPlacedWithinTheAllocation() {
        for (int n = 1; n <= 8; n++) {
            Deployment d = generate("per-component", rubis(n), everyServletAt(1.0));
            long allocated = d.containers().stream().filter(c -> c.id().matches("rubis-\\d+")).count();
            assertEquals(n, allocated, "allocation " + n);
            for (EmbeddedComponentDescriptor e : rubis.embeddedIn("rubis-web")) {
                assertFalse(d.routes().getOrDefault(e.name(), List.of()).isEmpty(), e.name() + " with " + n);
            }
            assertEquals(List.of("rubis-rubis-db"), d.routes().get("rubis-db"));
        }
    }

    @Test
    void withFewerContainersThanPriorityClassesTheLowestShare() {
        Deployment d = generate("per-component", rubis(2), everyServletAt(1.0));
        assertEquals(List.of("rubis-1"), d.routes().get("StoreBid"));
        assertEquals(d.routes().get("PutBid"), d.routes().get("ViewItem"));
        assertFalse(d.routes().get("PutBid").contains("rubis-1"));
    }

    @Test
    void sameLoadKeepsTheSamePlacement() {
        ServiceDescriptor six = rubis(6);
        DeploymentGenerator g = Services.generator("per-component", six, Map.of());
        PerformanceData load = Services.load(everyServletAt(2.0), Duration.ofMillis(50));
        Deployment first = g.generate(Services.input(six, load, Deployment.empty("rubis"), T0));
        Deployment again = g.generate(Services.input(six, load, first, T0.plusSeconds(15)));
        assertTrue(Deployment.diff(first, again).isEmpty());
    }

    @Test
    void aContainerKeepsItsServletsWhenAnotherClassGrows() {
        ServiceDescriptor six = rubis(6);
        DeploymentGenerator g = Services.generator("per-component", six, Map.of());
        Deployment first = g.generate(Services.input(six, Services.load(everyServletAt(2.0), Duration.ofMillis(50)),
                Deployment.empty("rubis"), T0));
        Map<String, Double> busierBids = everyServletAt(2.0);
        busierBids.put("StoreBid", 60.0);
        Deployment next = g.generate(Services.input(six, Services.load(busierBids, Duration.ofMillis(50)), first, T0));
        assertTrue(next.routes().get("StoreBid").size() > first.routes().get("StoreBid").size());
        assertTrue(next.routes().get("StoreBid").containsAll(first.routes().get("StoreBid")),
                "StoreBid keeps its container: " + first.routes().get("StoreBid") + " -> " + next.routes().get("StoreBid"));
    }

    @Test
    void theBestShapedContainerGoesToTheHighestPriority() {
        ContainerShape small = rubis.shapes().get("rubis-10tx");
        ContainerShape large = new ContainerShape("rubis-20tx", Map.of("rubis.tx", 20.0), 0.5, 0, 32, 0, 0);
        ServiceDescriptor mixed = rubis.withAllocation(new Allocation(List.of(
                new Allocation.Entry(small, 2), new Allocation.Entry(large, 1))));
        Deployment d = generate("per-component", mixed, everyServletAt(1.0));
        assertEquals(List.of("rubis-3"), d.routes().get("StoreBid"));
        assertEquals("rubis-20tx", d.container("rubis-3").orElseThrow().shape().name());
    }

    @Test
    void priorityWeightBelowOneIsRefused() {
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Services.generator("per-component", rubis, Map.of("priority-weight", "0.5")));
        assertTrue(e.getMessage().contains("'priority-weight' must be at least 1"), e.getMessage());
    }
}
