package io.isohost.rm;

import io.isohost.testing.Waits;
import io.isohost.rm.jmx.DomainControl;
import io.isohost.rm.policy.MaxConcurrencyPolicy;
import io.isohost.rm.policy.RateLimitPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ResourceDomainTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    @Test
    void rateLimitHoldsConcurrentConsumersToTheRate() throws Exception {
        var tx = registry.registerCounted("rubis.tx");
        var d = registry.newDomain("c1", tx);
        d.addPolicy(RateLimitPolicy.perSecond(10).build());
        int n = 21;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> d.consume(1)));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // 1 token at start, then one every 100 ms: 21 consumes cannot finish before 2 s have passed
        assertTrue(seconds >= 1.95, "21 consumes at 10/s took only " + seconds + " s");
        assertEquals(n, d.usage().consumed());
        assertTrue(d.usage().waits() >= n - 1);
    }

    @Test
    void aDeniedConsumeConsumesNothing() {
        var d = registry.newDomain("c1", Resource.REQUESTS);
        d.addPolicy(RateLimitPolicy.perSecond(0.5).maxWait(Duration.ZERO).build());
        d.consume(1);
        var e = assertThrows(ResourceDeniedException.class, () -> d.consume(1));
        assertEquals("requests", e.resourceName());
        assertEquals("c1", e.domainName());
        assertEquals(1, d.usage().consumed());
        assertEquals(1, d.usage().denials());
    }

    @Test
    void maxConcurrencyMakesExtraWorkWaitForAdmittedWorkToEnd() throws Exception {
        var d = registry.newDomain("c1", Resource.REQUESTS);
        var limit = new MaxConcurrencyPolicy(2, Duration.ofSeconds(30));
        d.addPolicy(limit);
        var a = d.admit(1);
        var b = d.admit(1);
        var entered = new CountDownLatch(1);
        Thread third = Thread.ofPlatform().start(() -> {
            try (var c = d.admit(1)) {
                entered.countDown();
            }
        });
        assertFalse(entered.await(200, TimeUnit.MILLISECONDS), "a third unit must wait while two are admitted");
        a.close();
        assertTrue(entered.await(10, TimeUnit.SECONDS), "closing one admission lets the third in");
        third.join(10_000);
        b.close();
        assertEquals(0, limit.inFlight());
        assertEquals(3, d.usage().consumed());
    }

    @Test
    void maxConcurrencyDeniesAfterTheMaximumWait() {
        var d = registry.newDomain("c1", Resource.REQUESTS);
        d.addPolicy(new MaxConcurrencyPolicy(1, Duration.ofMillis(50)));
        try (var held = d.admit(1)) {
            var e = assertThrows(ResourceDeniedException.class, () -> d.admit(1));
            assertTrue(e.getMessage().contains("max-concurrency 1"), e.getMessage());
        }
        d.admit(1).close();
    }

    @Test
    void boundedDispenserRefusesWhenEmptyAndTakesDisposableUnitsBack() {
        var pool = registry.dispenser(Resource.JDBC_CONNECTIONS);
        pool.setTotal(2);
        var d = registry.newDomain("db", Resource.JDBC_CONNECTIONS);
        d.consume(2);
        var e = assertThrows(ResourceDeniedException.class, () -> d.consume(1));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        d.unconsume(1);
        d.consume(1);
        assertEquals(2, d.usage().inUse());
        assertThrows(IllegalStateException.class, () -> d.unconsume(5));
        assertEquals(2, d.usage().inUse(), "a refused unconsume changes nothing");
    }

    @Test
    void reservationKeepsUnitsForItsDomain() {
        var pool = registry.dispenser(Resource.JDBC_CONNECTIONS);
        pool.setTotal(3);
        var reserved = registry.newDomain("reserved", Resource.JDBC_CONNECTIONS);
        var other = registry.newDomain("other", Resource.JDBC_CONNECTIONS);
        pool.reserve(reserved, 2);
        other.consume(1);
        assertThrows(ResourceDeniedException.class, () -> other.consume(1));
        reserved.consume(2);
        assertThrows(IllegalArgumentException.class, () -> pool.reserve(other, 5));
    }

    @Test
    void componentCodeConsumesThroughItsThreadsContext() throws Exception {
        var tx = registry.registerCounted("rubis.tx");
        var d = registry.newDomain("container-a", tx);
        var ctx = new ResourceContext("isolate-a", registry).bind(d);
        ctx.run(() -> Resources.consume("rubis.tx", 3));
        assertEquals(3, d.usage().consumed());
        Resources.consume("rubis.tx", 5); // no isolate on this thread: not governed
        assertEquals(3, d.usage().consumed());
        var e = assertThrows(UnknownResourceException.class, () -> ctx.run(() -> Resources.consume("rubis.txx", 1)));
        assertTrue(e.getMessage().contains("rubis.txx") && e.getMessage().contains("rubis.tx"), e.getMessage());
        ctx.run(() -> Resources.consume("network-in", 10)); // registered but not bound: not governed
    }

    @Test
    void anIsolateIsBoundToAtMostOneDomainPerResource() {
        var ctx = new ResourceContext("iso", registry);
        ctx.bind(registry.newDomain("a", Resource.REQUESTS));
        ctx.bind(registry.newDomain("cpu", Resource.CPU_TIME));
        var e = assertThrows(IllegalStateException.class, () -> ctx.bind(registry.newDomain("b", Resource.REQUESTS)));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        assertEquals(2, ctx.domains().size());
    }

    @Test
    void twoIsolatesMayShareADomain() {
        var d = registry.newDomain("shared", Resource.REQUESTS);
        var one = new ResourceContext("one", registry).bind(d);
        var two = new ResourceContext("two", registry).bind(d);
        one.run(() -> Resources.consume(Resource.REQUESTS, 1));
        two.run(() -> Resources.consume(Resource.REQUESTS, 1));
        assertEquals(2, d.usage().consumed());
    }

    @Test
    void customResourcesLoadFromAConfiguredClass() {
        var added = registry.registerFrom(Definitions.class.getName(), getClass().getClassLoader());
        assertEquals(List.of("shop.order"), added.stream().map(Resource::name).toList());
        assertEquals("shop.order", registry.lookup("shop.order").name());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> registry.registerFrom("com.example.Missing", getClass().getClassLoader()));
        assertTrue(missing.getMessage().contains("com.example.Missing"), missing.getMessage());
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> registry.registerFrom(String.class.getName(), getClass().getClassLoader()));
        assertTrue(wrong.getMessage().contains("does not implement"), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.registerCounted("Bad Name"));
    }

    public static final class Definitions implements ResourceDefinition {
        @Override
        public Iterable<Resource> resources() {
            return List.of(Resource.counted("shop.order"));
        }
    }

    @Test
    void quotasAreAddedRetunedAndRemovedThroughTheControlBean() {
        var d = registry.newDomain("c1", Resource.REQUESTS);
        var control = new DomainControl(d, (io.isohost.rm.policy.CpuArbiter) null);
        assertEquals(0.0, control.getRateLimit());
        control.setRateLimit(10);
        assertEquals(10.0, control.getRateLimit());
        control.setRateLimit(25);
        assertEquals(1, d.policies().size());
        assertEquals(25.0, control.getRateLimit());
        assertThrows(IllegalArgumentException.class, () -> control.setRateLimit(-1));
        assertEquals(25.0, control.getRateLimit());
        control.setMaxConcurrency(4);
        assertEquals(4, control.getMaxConcurrency());
        assertThrows(IllegalArgumentException.class, () -> control.setMaxConcurrency(-4));
        control.setRateLimit(0);
        assertEquals(List.of("max-concurrency 4"), List.of(control.getPolicies()));
        assertThrows(IllegalArgumentException.class, () -> control.setCpuShare(0.5), "no arbiter");
    }

    @Test
    void policiesAddedWhileConsumersWaitTakeEffect() throws Exception {
        var d = registry.newDomain("c1", Resource.REQUESTS);
        var limit = new MaxConcurrencyPolicy(1, Duration.ofSeconds(30));
        d.addPolicy(limit);
        var held = d.admit(1);
        var passed = new AtomicInteger();
        Thread waiter = Thread.ofPlatform().start(() -> {
            d.admit(1).close();
            passed.incrementAndGet();
        });
        Waits.await("the second admission waits").until(() -> waiter.getState() == Thread.State.TIMED_WAITING
                || waiter.getState() == Thread.State.WAITING);
        d.removePolicy(limit); // removing the limit lets the waiter through without the release
        waiter.join(10_000);
        assertEquals(1, passed.get());
        held.close();
    }
}
