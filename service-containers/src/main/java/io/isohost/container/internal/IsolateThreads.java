package io.isohost.container.internal;

import io.isohost.rm.ResourceContext;
import io.isohost.rm.WorkMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An isolate's own platform threads. They start only when needed and die after a minute idle, so
 * an idle isolate costs no thread. Each carries the isolate's resource context and class loader,
 * meters the CPU and allocation of every task, and keeps an escaping exception inside the isolate.
 */
final class IsolateThreads extends ThreadPoolExecutor {
    private static final Logger log = LoggerFactory.getLogger(IsolateThreads.class);
    private static final ThreadLocal<WorkMeter.Sample> SAMPLE = new ThreadLocal<>();

    private final IsolateCounters counters;

    IsolateThreads(String isolateId, int maxThreads, ResourceContext context, ClassLoader loader, IsolateCounters counters) {
        super(maxThreads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory(isolateId, context, loader, counters));
        allowCoreThreadTimeOut(true);
        this.counters = counters;
    }

    private static ThreadFactory factory(String id, ResourceContext context, ClassLoader loader, IsolateCounters counters) {
        AtomicInteger n = new AtomicInteger();
        return r -> Thread.ofPlatform()
                .name("iso-" + id.replace('/', '-') + "-" + n.incrementAndGet())
                .daemon(true)
                .uncaughtExceptionHandler((t, e) -> {
                    counters.errors.increment();
                    log.warn("isolate {}: uncaught exception on {}", id, t.getName(), e);
                })
                .unstarted(() -> {
                    context.attachToCurrentThread();
                    Thread.currentThread().setContextClassLoader(loader);
                    r.run();
                });
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        SAMPLE.set(WorkMeter.start());
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        WorkMeter.Sample s = SAMPLE.get();
        if (s != null) {
            counters.charge(s.stop());
            SAMPLE.remove();
        }
        if (t != null) {
            counters.errors.increment();
        }
    }

    /** Counters shared by an isolate's threads and its request path. */
    static final class IsolateCounters {
        final LongAdder cpuNanos = new LongAdder();
        final LongAdder allocatedBytes = new LongAdder();
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicInteger inFlight = new AtomicInteger();
        private final ResourceContextCharger charger;

        IsolateCounters(ResourceContextCharger charger) {
            this.charger = charger;
        }

        void charge(WorkMeter.Usage u) {
            if (u.cpuNanos() > 0) {
                cpuNanos.add(u.cpuNanos());
            }
            if (u.allocatedBytes() > 0) {
                allocatedBytes.add(u.allocatedBytes());
            }
            charger.charge(u);
        }
    }

    /** Passes measured usage on to the container's cpu-time and heap-allocation domains. */
    @FunctionalInterface
    interface ResourceContextCharger {
        void charge(WorkMeter.Usage usage);
    }
}
