package io.isohost.rm;

import io.isohost.rm.policy.AllocationBudgetPolicy;
import io.isohost.rm.policy.CpuArbiter;
import io.isohost.rm.policy.CpuGuaranteePolicy;
import io.isohost.rm.policy.CpuSharePolicy;
import io.isohost.rm.policy.RateLimitPolicy;
import io.isohost.rm.policy.ThresholdNotification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PolicyTest {
    private final ManualTicker ticker = new ManualTicker();

    private ConsumeEvent at(ResourceDomain d, long q) {
        return new ConsumeEvent(d, q, ticker.nanoTime());
    }

    @Test
    void rateLimitGrantsItsBurstThenSpacesConsumesAtTheRate() {
        var registry = new ResourceRegistry(ticker);
        var d = registry.newDomain("c1", registry.registerCounted("rubis.tx"));
        var rate = RateLimitPolicy.perSecond(10).burst(2).ticker(ticker).build();
        assertEquals(Decision.grant(), rate.check(at(d, 1)));
        assertEquals(Decision.grant(), rate.check(at(d, 1)));
        // third and fourth queue up 100 ms apart
        assertEquals(new Decision.GrantAfter(100_000_000L), rate.check(at(d, 1)));
        assertEquals(new Decision.GrantAfter(200_000_000L), rate.check(at(d, 1)));
        ticker.advanceMillis(1000);
        assertEquals(Decision.grant(), rate.check(at(d, 1)));
    }

    @Test
    void rateLimitDeniesWhenTheSlotIsFurtherThanTheMaximumWait() {
        var registry = new ResourceRegistry(ticker);
        var d = registry.newDomain("c1", Resource.REQUESTS);
        var rate = RateLimitPolicy.perSecond(1).maxWait(Duration.ofMillis(500)).ticker(ticker).build();
        assertEquals(Decision.grant(), rate.check(at(d, 1)));
        var second = rate.check(at(d, 1));
        var deny = assertInstanceOf(Decision.Deny.class, second);
        assertTrue(deny.reason().contains("rate limit 1/s"), deny.reason());
        ticker.advanceMillis(1000);
        assertEquals(Decision.grant(), rate.check(at(d, 1)), "a denial must not have used up a token");
    }

    @Test
    void rateLimitCanBeRetunedWhileInUse() {
        var registry = new ResourceRegistry(ticker);
        var d = registry.newDomain("c1", Resource.REQUESTS);
        var rate = RateLimitPolicy.perSecond(1).ticker(ticker).build();
        rate.check(at(d, 1));
        rate.setRate(100);
        ticker.advanceMillis(10);
        assertEquals(Decision.grant(), rate.check(at(d, 1)));
        assertThrows(IllegalArgumentException.class, () -> rate.setRate(-3));
        assertThrows(IllegalArgumentException.class, () -> rate.setRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> rate.setRate(1e12));
        assertEquals(100, rate.rate(), "a refused value changes nothing");
    }

    @Test
    void cpuShareMakesWorkWaitUntilTheContainerIsBackWithinItsShare() {
        var registry = new ResourceRegistry(ticker);
        var arbiter = new CpuArbiter(2, ticker);
        var d = registry.newDomain("busy", Resource.CPU_TIME);
        var share = CpuSharePolicy.share(0.25, arbiter).window(Duration.ofMillis(100)).build();
        d.addPolicy(share);
        assertEquals(Decision.grant(), share.check(at(d, 0)));
        // one CPU-second used; a quarter of two cores earns it back in two seconds
        d.charge(1_000_000_000L);
        var wait = assertInstanceOf(Decision.RetryAfter.class, share.check(at(d, 0)));
        assertTrue(wait.nanos() > 0);
        ticker.advanceMillis(1800);
        assertInstanceOf(Decision.RetryAfter.class, share.check(at(d, 0)));
        ticker.advanceMillis(150);
        assertEquals(Decision.grant(), share.check(at(d, 0)));
    }

    @Test
    void cpuGuaranteeHoldsBackOtherContainersOnlyWhileItsContainerHasWork() {
        var registry = new ResourceRegistry(ticker);
        var arbiter = new CpuArbiter(2, ticker);
        var guaranteed = registry.newDomain("generator", Resource.CPU_TIME);
        var other = registry.newDomain("tenant", Resource.CPU_TIME);
        var guarantee = new CpuGuaranteePolicy(arbiter, 0.3);
        guaranteed.addPolicy(guarantee);
        var share = CpuSharePolicy.share(1.0, arbiter).build();
        other.addPolicy(share);

        assertEquals(1.0, arbiter.capFor(other), 1e-9, "an idle guarantee holds nothing back");
        guaranteed.consume(0);
        assertEquals(0.7, arbiter.capFor(other), 1e-9);
        share.check(at(other, 0));
        assertEquals(0.7, share.effectiveShare(), 1e-9);
        assertEquals(1.0, arbiter.capFor(guaranteed), 1e-9, "a guarantee never caps its own container");
        ticker.advanceMillis(2000);
        assertEquals(1.0, arbiter.capFor(other), 1e-9);
    }

    @Test
    void guaranteesThatAddUpToMoreThanTheHostAreRefused() {
        var arbiter = new CpuArbiter(2, ticker);
        new CpuGuaranteePolicy(arbiter, 0.6);
        var e = assertThrows(IllegalArgumentException.class, () -> new CpuGuaranteePolicy(arbiter, 0.5));
        assertTrue(e.getMessage().contains("110%"), e.getMessage());
    }

    @Test
    void allocationBudgetDelaysWorkAfterTheBudgetIsSpent() {
        var registry = new ResourceRegistry(ticker);
        var d = registry.newDomain("alloc", Resource.HEAP_ALLOCATION);
        var budget = new AllocationBudgetPolicy(1_000_000, ticker);
        d.addPolicy(budget);
        assertEquals(Decision.grant(), budget.check(at(d, 0)));
        d.charge(3_000_000);
        assertInstanceOf(Decision.RetryAfter.class, budget.check(at(d, 0)));
        ticker.advanceMillis(2100);
        assertEquals(Decision.grant(), budget.check(at(d, 0)));
        assertEquals(3_000_000, d.usage().charged());
    }

    @Test
    void thresholdNotificationFiresOnceWhenCrossed() {
        var registry = new ResourceRegistry(ticker);
        var d = registry.newDomain("c", registry.registerCounted("rubis.tx"));
        List<String> fired = new ArrayList<>();
        d.addPolicy(new ThresholdNotification(3, dom -> fired.add(dom.name())));
        for (int i = 0; i < 5; i++) {
            d.consume(1);
        }
        assertEquals(List.of("c"), fired);
    }
}
