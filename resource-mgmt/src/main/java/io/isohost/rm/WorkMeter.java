package io.isohost.rm;

import java.lang.management.ManagementFactory;

/**
 * Measures the CPU time and heap bytes a unit of work costs on the current thread. Works on
 * platform threads only: the JVM reports -1 for virtual threads, so isolates run on platform pools.
 */
public final class WorkMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
    }

    private WorkMeter() {
    }

    /** Whether the current thread can be metered (a platform thread on a JVM that supports it). */
    public static boolean supported() {
        return !Thread.currentThread().isVirtual() && THREADS.isCurrentThreadCpuTimeSupported();
    }

    /** CPU time of the current thread in ns, or -1 where the JVM cannot tell. */
    public static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Bytes the current thread has allocated since it started, or -1 where the JVM cannot tell. */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    public static Sample start() {
        return new Sample(cpuNanos(), allocatedBytes());
    }

    /** A reading taken when work began. */
    public record Sample(long cpuAtStart, long allocatedAtStart) {
        public Usage stop() {
            long cpu = cpuAtStart < 0 ? -1 : Math.max(0, cpuNanos() - cpuAtStart);
            long alloc = allocatedAtStart < 0 ? -1 : Math.max(0, allocatedBytes() - allocatedAtStart);
            return new Usage(cpu, alloc);
        }
    }

    /** What one unit of work cost; -1 for what could not be measured. */
    public record Usage(long cpuNanos, long allocatedBytes) {
    }
}
