package io.isohost.rm.policy;

import io.isohost.rm.ResourceDomain;
import io.isohost.rm.Ticker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's CPU, shared out between containers. It knows each {@link CpuGuaranteePolicy}; while a
 * guaranteed container has work, every {@link CpuSharePolicy} of another container is capped to
 * what the guarantees leave over.
 */
public final class CpuArbiter {
    /** A guarantee counts as in demand for this long after its container last asked for CPU. */
    static final long DEMAND_WINDOW_NANOS = 1_000_000_000L;

    private final int cores;
    private final Ticker ticker;
    private final Map<CpuGuaranteePolicy, Boolean> guarantees = new ConcurrentHashMap<>();

    public CpuArbiter() {
        this(Runtime.getRuntime().availableProcessors(), Ticker.SYSTEM);
    }

    public CpuArbiter(int cores, Ticker ticker) {
        if (cores < 1) {
            throw new IllegalArgumentException("a host has at least one core: " + cores);
        }
        this.cores = cores;
        this.ticker = ticker;
    }

    public int cores() {
        return cores;
    }

    Ticker ticker() {
        return ticker;
    }

    synchronized void add(CpuGuaranteePolicy g, double fraction) {
        double sum = guaranteedExcept(g) + fraction;
        if (sum > 1.0 + 1e-9) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "CPU guarantees would add up to %.0f%% of the host; at most 100%%", sum * 100));
        }
        guarantees.put(g, Boolean.TRUE);
    }

    void remove(CpuGuaranteePolicy g) {
        guarantees.remove(g);
    }

    private double guaranteedExcept(CpuGuaranteePolicy except) {
        double sum = 0;
        for (CpuGuaranteePolicy g : guarantees.keySet()) {
            if (g != except) {
                sum += g.fraction();
            }
        }
        return sum;
    }

    /** The fraction of the host that {@code domain} may use now, given other containers' guarantees. */
    public double capFor(ResourceDomain domain) {
        long now = ticker.nanoTime();
        double held = 0;
        for (CpuGuaranteePolicy g : guarantees.keySet()) {
            if (g.domain() != domain && g.inDemand(now)) {
                held += g.fraction();
            }
        }
        return Math.max(0.0, 1.0 - held);
    }
}
