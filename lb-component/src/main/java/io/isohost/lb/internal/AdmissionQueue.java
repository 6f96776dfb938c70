package io.isohost.lb.internal;

import io.isohost.lb.BalancerConfig;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.util.thread.Scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Requests over their backends' bounds wait here: a FIFO queue per route, bounded in length and in
 * time, with tenants' guaranteed shares of the whole. When a permit frees, the routes sharing the
 * backend are served oldest waiting request first.
 */
final class AdmissionQueue {
    private final BalancerConfig config;
    private final RouteTable table;
    private final BackendPicker picker;
    private final Scheduler scheduler;
    private final QueueShares shares;
    private final BiConsumer<Exchange, BackendState> forward;
    private final AtomicInteger waitingTotal = new AtomicInteger();

    /** @param forward sends an admitted request to the backend whose permit it holds */
    AdmissionQueue(BalancerConfig config, RouteTable table, BackendPicker picker, Scheduler scheduler,
                   BiConsumer<Exchange, BackendState> forward) {
        this.config = config;
        this.table = table;
        this.picker = picker;
        this.scheduler = scheduler;
        this.shares = new QueueShares(config.tenantQueueShares(), config.queueCapacity());
        this.forward = forward;
    }

    /**
     * Queues a request that found no free permit, or refuses it with 503 (queue full, tenant over its share).
     *
     * @return false when the route has left the table: the request is neither queued nor answered
     */
    boolean enqueue(RouteState route, Exchange ex) {
        synchronized (route.queue) {
            if (route.queue.closed) {
                return false;
            }
            if (route.queue.size() >= config.queueCapacity()) {
                route.meters.rejectedQueueFull.increment();
                ex.refuse(HttpStatus.SERVICE_UNAVAILABLE_503, "route " + route.key + " is overloaded: its queue is full");
                return true;
            }
            if (!shares.tryEnter(route.tenant)) {
                route.meters.rejectedTenantShare.increment();
                ex.refuse(HttpStatus.SERVICE_UNAVAILABLE_503,
                        "tenant '" + route.tenant + "' has used its share of the balancer's queue");
                return true;
            }
            ex.queuedAs = route.tenant;
            route.queue.addLast(ex);
            route.meters.waiting.incrementAndGet();
            waitingTotal.incrementAndGet();
        }
        ex.timeout = scheduler.schedule(() -> expire(route, ex), config.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // a permit may have been released meanwhile, or a new table (with other backends) put in force
        serve(table.current(route));
        return true;
    }

    /** The route left the table: its waiting requests leave its queue, which takes no more, to be matched again. */
    List<Exchange> close(RouteState route) {
        List<Exchange> waiting;
        synchronized (route.queue) {
            route.queue.closed = true;
            waiting = new ArrayList<>(route.queue);
            route.queue.clear();
            waiting.forEach(ex -> left(route, ex));
        }
        for (Exchange ex : waiting) {
            if (ex.timeout != null) {
                ex.timeout.cancel();
            }
        }
        return waiting;
    }

    /** @param route the route it was queued in: its queue is the one of every table listing the route */
    private void expire(RouteState route, Exchange ex) {
        boolean removed;
        synchronized (route.queue) {
            removed = route.queue.remove(ex);
            if (removed) {
                left(route, ex);
            }
        }
        if (removed) {
            route.meters.rejectedQueueTimeout.increment();
            ex.refuse(HttpStatus.SERVICE_UNAVAILABLE_503,
                    "route " + route.key + " is overloaded: waited " + config.queueTimeout().toMillis() + " ms");
        }
    }

    private void left(RouteState route, Exchange ex) {
        route.meters.waiting.decrementAndGet();
        waitingTotal.decrementAndGet();
        shares.leave(ex.queuedAs);
    }

    /** A permit came free on {@code b}: hand it to the oldest request waiting for it. */
    void released(BackendState b) {
        if (waitingTotal.get() == 0) {
            return; // the common case; a request queued meanwhile serves its route itself
        }
        List<RouteState> waiting = new ArrayList<>();
        List<Long> since = new ArrayList<>();
        for (RouteState r : table.routes()) {
            if (r.members.contains(b)) {
                synchronized (r.queue) {
                    Exchange head = r.queue.peekFirst();
                    if (head != null) {
                        waiting.add(r);
                        since.add(head.arrived);
                    }
                }
            }
        }
        Integer[] order = new Integer[waiting.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(since::get));
        for (int i : order) {
            serve(waiting.get(i));
        }
    }

    /** Serves every route (after a table change, or a drain that moved sticky requests on). */
    void serveAll() {
        for (RouteState r : table.routes()) {
            serve(r);
        }
    }

    /** Sends the route's waiting requests, in order, while permits are free. */
    void serve(RouteState route) {
        while (true) {
            Exchange next = null;
            BackendState picked = null;
            long now = System.nanoTime();
            synchronized (route.queue) {
                for (Iterator<Exchange> it = route.queue.iterator(); it.hasNext(); ) {
                    Exchange ex = it.next();
                    List<BackendState> eligible = BackendPicker.eligible(route, ex, now);
                    ex.preferred = StickySessions.keepIfEligible(ex.preferred, eligible);
                    picked = picker.acquire(route, eligible, ex.preferred, now);
                    if (picked != null) {
                        it.remove();
                        left(route, ex);
                        next = ex;
                        break;
                    }
                    if (ex.preferred == null) {
                        break; // FIFO: nobody without a preference overtakes the head
                    }
                }
            }
            if (next == null) {
                return;
            }
            if (next.timeout != null) {
                next.timeout.cancel();
            }
            route.meters.queueTime.record(System.nanoTime() - next.arrived, TimeUnit.NANOSECONDS);
            forward.accept(next, picked);
        }
    }
}
