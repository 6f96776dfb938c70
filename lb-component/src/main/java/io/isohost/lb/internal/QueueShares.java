package io.isohost.lb.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Tenants' guaranteed shares of the balancer's queue. A tenant may always queue up to its share of
 * the capacity; beyond it, only into room that no other tenant's unused guarantee holds. With no
 * shares configured nothing is counted.
 */
public final class QueueShares {
    private final Map<String, Integer> guaranteed = new HashMap<>();
    private final Map<String, Integer> queued = new HashMap<>();
    private final int capacity;
    private int total;

    public QueueShares(Map<String, Double> shares, int capacity) {
        this.capacity = capacity;
        shares.forEach((tenant, share) -> guaranteed.put(tenant, (int) Math.floor(share * capacity)));
    }

    public boolean active() {
        return !guaranteed.isEmpty();
    }

    /** Counts one more queued request of {@code tenant}, or refuses it (and counts nothing). */
    public synchronized boolean tryEnter(String tenant) {
        if (!active()) {
            return true;
        }
        int mine = queued.getOrDefault(tenant, 0);
        boolean admit = mine < guaranteed.getOrDefault(tenant, 0);
        if (!admit) {
            int heldForOthers = 0;
            for (var g : guaranteed.entrySet()) {
                if (!g.getKey().equals(tenant)) {
                    heldForOthers += Math.max(0, g.getValue() - queued.getOrDefault(g.getKey(), 0));
                }
            }
            admit = total + heldForOthers < capacity;
        }
        if (admit) {
            queued.merge(tenant, 1, Integer::sum);
            total++;
        }
        return admit;
    }

    /** One queued request of {@code tenant} left the queue (dispatched, expired or refused). */
    public synchronized void leave(String tenant) {
        Integer n = queued.get(tenant);
        if (n == null) {
            return;
        }
        if (n == 1) {
            queued.remove(tenant);
        } else {
            queued.put(tenant, n - 1);
        }
        total--;
    }

    public synchronized int queued(String tenant) {
        return queued.getOrDefault(tenant, 0);
    }
}
