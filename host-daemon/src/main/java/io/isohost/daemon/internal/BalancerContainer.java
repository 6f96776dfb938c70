package io.isohost.daemon.internal;

import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerHost;
import io.isohost.container.ContainerPolicies;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceContext;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The host's load balancer as a special component in a group container of its own
 * ({@value #NAME}), with a CPU guarantee so that tenants' work cannot starve the routing of
 * everyone's requests. Its request threads are made here: each is bound to the container's
 * resource context (a service's target chooser runs on them, and what it consumes is the
 * balancer's), and the CPU they use is charged to the container's {@code cpu-time} domain.
 */
public final class BalancerContainer implements ThreadFactory {
    public static final String NAME = "isohost-balancer";

    private final ResourceContext context;
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private final Map<Thread, Long> charged = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    public BalancerContainer(ContainerHost host, double cpuGuarantee) {
        if (host.container(NAME).isEmpty()) {
            host.create(new ContainerConfig(NAME, Optional.empty(), true,
                    ContainerPolicies.builder().cpuGuarantee(cpuGuarantee).build(), 0, 32));
        }
        this.context = new ResourceContext(NAME, host.resources());
        host.container(NAME).orElseThrow().domains().forEach(context::bind);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = Thread.ofPlatform().daemon(true).name("lb-" + count.incrementAndGet()).unstarted(() -> {
            context.attachToCurrentThread();
            r.run();
        });
        charged.put(t, 0L);
        return t;
    }

    /** Charges the CPU the balancer's threads used since the last call; the daemon calls it every second. */
    public synchronized void charge() {
        long total = 0;
        for (var e : charged.entrySet()) {
            Thread t = e.getKey();
            long now = t.isAlive() ? cpu.getThreadCpuTime(t.threadId()) : -1;
            if (now < 0) {
                charged.remove(t); // ended: what it used after the last charge is lost, at most a second's worth
                continue;
            }
            total += now - e.getValue();
            e.setValue(now);
        }
        long used = total;
        if (used > 0) {
            context.domain(Resource.CPU_TIME).ifPresent(d -> d.charge(used));
        }
    }
}
