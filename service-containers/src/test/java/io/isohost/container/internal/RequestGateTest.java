package io.isohost.container.internal;

import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Constraint;
import io.isohost.rm.Decision;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceDeniedException;
import io.isohost.rm.ResourceDomain;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.policy.MaxConcurrencyPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The gate a request passes into a container: its leaf's and groups' requests domains, then the metered ones. */
class RequestGateTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    private ResourceDomain requests(String name, MaxConcurrencyPolicy limit) {
        return registry.newDomain(name, Resource.REQUESTS).addPolicy(limit);
    }

    /** A metered domain whose constraint refuses while {@code refusing} says so. */
    private ResourceDomain metered(boolean[] refusing) {
        return registry.newDomain("cpu", Resource.CPU_TIME).addPolicy(new Constraint() {
            @Override
            public Decision check(ConsumeEvent event) {
                return refusing[0] ? Decision.deny("in debt") : Decision.grant();
            }

            @Override
            public String describe() {
                return "refuses on demand";
            }
        });
    }

    @Test
    void aRequestHoldsAPlaceInTheLeafAndEveryGroupUntilItCloses() throws Exception {
        var leaf = new MaxConcurrencyPolicy(5, Duration.ZERO);
        var group = new MaxConcurrencyPolicy(1, Duration.ZERO);
        var gate = new RequestGate(List.of(requests("leaf", leaf), requests("group", group)), List.of(metered(new boolean[1])));
        AutoCloseable first = gate.admit();
        assertEquals(1, leaf.inFlight());
        assertEquals(1, group.inFlight());
        assertThrows(ResourceDeniedException.class, gate::admit, "the group's limit of 1 is taken");
        assertEquals(1, leaf.inFlight(), "the refused request left no place held in the leaf");
        first.close();
        assertEquals(0, leaf.inFlight());
        assertEquals(0, group.inFlight());
        gate.admit().close();
    }

    @Test
    void aRefusalByAMeteredDomainReleasesThePlacesAlreadyTaken() {
        var leaf = new MaxConcurrencyPolicy(5, Duration.ZERO);
        var group = new MaxConcurrencyPolicy(5, Duration.ZERO);
        boolean[] refusing = {true};
        var gate = new RequestGate(List.of(requests("leaf", leaf), requests("group", group)), List.of(metered(refusing)));
        var e = assertThrows(ResourceDeniedException.class, gate::admit);
        assertTrue(e.getMessage().contains("in debt"), e.getMessage());
        assertEquals(0, leaf.inFlight());
        assertEquals(0, group.inFlight());
    }
}
