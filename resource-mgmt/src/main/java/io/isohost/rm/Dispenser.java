package io.isohost.rm;

import java.util.HashMap;
import java.util.Map;

/**
 * The point of manufacture of one resource: it knows the total quantity, what is handed out, and
 * what is reserved for which domain. Unbounded resources only count; bounded ones refuse when empty.
 */
public final class Dispenser {
    private final Resource resource;
    private long total;
    private long outstanding;
    private final Map<ResourceDomain, Long> reserved = new HashMap<>();
    private final Map<ResourceDomain, Long> usedFromReservation = new HashMap<>();

    Dispenser(Resource resource, long total) {
        this.resource = resource;
        this.total = checkTotal(resource, total);
    }

    private static long checkTotal(Resource resource, long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total quantity of '" + resource.name() + "' must not be negative: " + total);
        }
        return resource.attributes().bounded() ? total : Long.MAX_VALUE;
    }

    public Resource resource() {
        return resource;
    }

    public synchronized long total() {
        return total;
    }

    /** Changes the total of a bounded resource; what is already handed out stays handed out. */
    public synchronized void setTotal(long newTotal) {
        total = checkTotal(resource, newTotal);
    }

    public synchronized long outstanding() {
        return outstanding;
    }

    /** What a domain without a reservation could still obtain. */
    public synchronized long available() {
        if (total == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return total - outstanding - unusedReservations();
    }

    public synchronized long reservedFor(ResourceDomain domain) {
        return reserved.getOrDefault(domain, 0L);
    }

    /** Sets aside {@code quantity} for {@code domain} alone, replacing any earlier reservation. */
    public synchronized void reserve(ResourceDomain domain, long quantity) {
        if (!resource.attributes().reservable()) {
            throw new IllegalArgumentException("resource '" + resource.name() + "' cannot be reserved");
        }
        if (quantity < 0) {
            throw new IllegalArgumentException("reservation of '" + resource.name() + "' must not be negative: " + quantity);
        }
        long others = unusedReservations() - unused(domain);
        long free = total == Long.MAX_VALUE ? Long.MAX_VALUE : total - outstanding - others;
        if (quantity - usedFromReservation.getOrDefault(domain, 0L) > free) {
            throw new IllegalArgumentException("cannot reserve " + quantity + " " + resource.unit() + " of '"
                    + resource.name() + "' for '" + domain.name() + "': only " + free + " are free");
        }
        if (quantity == 0) {
            reserved.remove(domain);
        } else {
            reserved.put(domain, quantity);
        }
    }

    private long unused(ResourceDomain domain) {
        return Math.max(0, reserved.getOrDefault(domain, 0L) - usedFromReservation.getOrDefault(domain, 0L));
    }

    private long unusedReservations() {
        long sum = 0;
        for (ResourceDomain d : reserved.keySet()) {
            sum += unused(d);
        }
        return sum;
    }

    /** Hands out {@code quantity} to {@code domain}; returns false when a bounded resource is exhausted. */
    synchronized boolean dispense(ResourceDomain domain, long quantity) {
        if (total == Long.MAX_VALUE) {
            outstanding += quantity;
            return true;
        }
        long fromReservation = Math.min(quantity, unused(domain));
        long rest = quantity - fromReservation;
        if (rest > total - outstanding - unusedReservations()) {
            return false;
        }
        if (fromReservation > 0) {
            usedFromReservation.merge(domain, fromReservation, Long::sum);
        }
        outstanding += quantity;
        return true;
    }

    /** Takes back a disposable quantity. */
    synchronized void giveBack(ResourceDomain domain, long quantity) {
        outstanding -= quantity;
        Long used = usedFromReservation.get(domain);
        if (used != null) {
            long left = used - Math.min(used, quantity);
            if (left == 0) {
                usedFromReservation.remove(domain);
            } else {
                usedFromReservation.put(domain, left);
            }
        }
    }
}
