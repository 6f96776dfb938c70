package io.isohost.rm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One resource's set of policies, shared by the isolates bound to it. Every consume passes the
 * domain's constraints (which may grant, delay or deny it), then its dispenser, then its
 * notifications. Policies can be added, removed and retuned while the domain is in use.
 */
public final class ResourceDomain {
    private final String name;
    private final Dispenser dispenser;
    private final Ticker ticker;
    private final List<Constraint> constraints = new CopyOnWriteArrayList<>();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();

    private final LongAdder consumed = new LongAdder();
    private final LongAdder charged = new LongAdder();
    private final AtomicLong inUse = new AtomicLong();
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder denials = new LongAdder();

    // Waiters for a RetryAfter decision are woken early when admitted work is released.
    private final ReentrantLock releaseLock = new ReentrantLock();
    private final Condition releasedSignal = releaseLock.newCondition();

    ResourceDomain(String name, Dispenser dispenser, Ticker ticker) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a resource domain needs a name");
        }
        this.name = name;
        this.dispenser = dispenser;
        this.ticker = ticker;
    }

    public String name() {
        return name;
    }

    public Resource resource() {
        return dispenser.resource();
    }

    public Dispenser dispenser() {
        return dispenser;
    }

    public Ticker ticker() {
        return ticker;
    }

    // ---- policies ----

    public ResourceDomain addPolicy(Policy policy) {
        Objects.requireNonNull(policy, "policy");
        switch (policy) {
            case Constraint c -> constraints.add(c);
            case Notification n -> notifications.add(n);
        }
        signalRelease();
        return this;
    }

    public boolean removePolicy(Policy policy) {
        boolean removed = switch (policy) {
            case Constraint c -> constraints.remove(c);
            case Notification n -> notifications.remove(n);
        };
        signalRelease(); // a waiter may now pass
        return removed;
    }

    public List<Policy> policies() {
        List<Policy> all = new ArrayList<>(constraints);
        all.addAll(notifications);
        return List.copyOf(all);
    }

    public <T extends Policy> Optional<T> policy(Class<T> type) {
        for (Policy p : policies()) {
            if (type.isInstance(p)) {
                return Optional.of(type.cast(p));
            }
        }
        return Optional.empty();
    }

    /**
     * Sets the domain's one policy of {@code kind}, under the domain's lock: removes it when
     * {@code made} is null, otherwise retunes the existing one with {@code retune}, or adds {@code made}.
     */
    public synchronized <T extends Policy> void setPolicy(Class<T> kind, T made, java.util.function.Consumer<T> retune) {
        Optional<T> existing = policy(kind);
        if (made == null) {
            existing.ifPresent(this::removePolicy);
        } else if (existing.isPresent()) {
            retune.accept(existing.get());
        } else {
            addPolicy(made);
        }
    }

    // ---- consumption ----

    /**
     * Consumes {@code quantity}, waiting as long as a constraint asks (up to that constraint's
     * maximum wait).
     *
     * @throws ResourceDeniedException when a constraint refuses or the dispenser is exhausted;
     *                                 nothing is consumed then
     */
    public void consume(long quantity) {
        checkQuantity(quantity);
        if (!constraints.isEmpty()) {
            passConstraints(quantity);
        }
        if (!dispenser.dispense(this, quantity)) {
            for (Constraint c : constraints) {
                c.rollback(new ConsumeEvent(this, quantity, ticker.nanoTime()));
            }
            deny(quantity, "all " + dispenser.total() + " " + resource().unit() + " are in use");
        }
        consumed.add(quantity);
        if (resource().disposable()) {
            inUse.addAndGet(quantity);
        }
        if (!notifications.isEmpty()) {
            ConsumeEvent event = new ConsumeEvent(this, quantity, ticker.nanoTime());
            for (Notification n : notifications) {
                n.consumed(event);
            }
        }
    }

    /** Returns a disposable quantity consumed earlier. */
    public void unconsume(long quantity) {
        checkQuantity(quantity);
        if (!resource().disposable()) {
            throw new IllegalStateException("resource '" + resource().name() + "' is not disposable; it cannot be unconsumed");
        }
        long left = inUse.addAndGet(-quantity);
        if (left < 0) {
            inUse.addAndGet(quantity);
            throw new IllegalStateException("domain '" + name + "' returned " + quantity + " " + resource().unit()
                    + " of '" + resource().name() + "' but had only " + (left + quantity) + " in use");
        }
        dispenser.giveBack(this, quantity);
        ConsumeEvent event = new ConsumeEvent(this, quantity, ticker.nanoTime());
        for (Constraint c : constraints) {
            c.released(event);
        }
        for (Notification n : notifications) {
            n.unconsumed(event);
        }
        signalRelease();
    }

    /**
     * Records a quantity already used, measured after the fact (CPU time, allocated bytes). It
     * cannot be refused; constraints take it into account for the next consume.
     */
    public void charge(long quantity) {
        if (quantity <= 0) {
            return;
        }
        charged.add(quantity);
        ConsumeEvent event = new ConsumeEvent(this, quantity, ticker.nanoTime());
        for (Constraint c : constraints) {
            c.charged(event);
        }
        for (Notification n : notifications) {
            n.consumed(event);
        }
    }

    /**
     * Admits a unit of work: consumes {@code quantity} now and tells the constraints when the
     * returned admission is closed, so that concurrency limits see the work end. A disposable
     * quantity is unconsumed on close.
     */
    public Admission admit(long quantity) {
        consume(quantity);
        return new Admission(this, quantity);
    }

    /** Admitted work, closed when it ends. */
    public static final class Admission implements AutoCloseable {
        private final ResourceDomain domain;
        private final long quantity;
        private boolean closed;

        private Admission(ResourceDomain domain, long quantity) {
            this.domain = domain;
            this.quantity = quantity;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (domain.resource().disposable()) {
                domain.unconsume(quantity);
            } else {
                ConsumeEvent event = new ConsumeEvent(domain, quantity, domain.ticker.nanoTime());
                for (Constraint c : domain.constraints) {
                    c.released(event);
                }
                domain.signalRelease();
            }
        }
    }

    private void passConstraints(long quantity) {
        long waitStart = 0;
        boolean counted = false;
        while (true) {
            ConsumeEvent event = new ConsumeEvent(this, quantity, ticker.nanoTime());
            List<Constraint> granted = new ArrayList<>(constraints.size());
            long sleepNanos = 0;
            Decision.RetryAfter retry = null;
            Constraint retrying = null;
            for (Constraint c : constraints) {
                Decision d = c.check(event);
                switch (d) {
                    case Decision.Grant g -> granted.add(c);
                    case Decision.GrantAfter g -> {
                        granted.add(c);
                        sleepNanos = Math.max(sleepNanos, g.nanos());
                    }
                    case Decision.RetryAfter r -> {
                        retry = r;
                        retrying = c;
                    }
                    case Decision.Deny deny -> {
                        rollback(granted, event);
                        deny(quantity, deny.reason());
                    }
                }
                if (retry != null) {
                    break;
                }
            }
            if (retry == null) {
                if (sleepNanos > 0) {
                    if (!counted) {
                        waits.increment();
                    }
                    sleepUninterruptibly(sleepNanos);
                    waitNanos.add(sleepNanos);
                }
                return;
            }
            rollback(granted, event);
            long now = ticker.nanoTime();
            if (!counted) {
                counted = true;
                waits.increment();
                waitStart = now;
            }
            long waited = now - waitStart;
            long maxWait = retrying.maxWaitNanos();
            if (waited >= maxWait) {
                waitNanos.add(waited);
                deny(quantity, retrying.describe() + ": waited " + TimeUnit.NANOSECONDS.toMillis(waited)
                        + " ms, the maximum wait");
            }
            awaitRelease(Math.min(retry.nanos(), maxWait - waited));
            waitNanos.add(Math.max(0, ticker.nanoTime() - now));
        }
    }

    private void rollback(List<Constraint> granted, ConsumeEvent event) {
        for (int i = granted.size() - 1; i >= 0; i--) {
            granted.get(i).rollback(event);
        }
    }

    private void deny(long quantity, String reason) {
        denials.increment();
        ConsumeEvent event = new ConsumeEvent(this, quantity, ticker.nanoTime());
        for (Notification n : notifications) {
            n.denied(event, reason);
        }
        throw new ResourceDeniedException(resource().name(), name, reason);
    }

    private void awaitRelease(long nanos) {
        releaseLock.lock();
        try {
            releasedSignal.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            denials.increment();
            throw new ResourceDeniedException(resource().name(), name, "interrupted while waiting");
        } finally {
            releaseLock.unlock();
        }
    }

    private void signalRelease() {
        releaseLock.lock();
        try {
            releasedSignal.signalAll();
        } finally {
            releaseLock.unlock();
        }
    }

    private static void sleepUninterruptibly(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static void checkQuantity(long quantity) {
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity must not be negative: " + quantity);
        }
    }

    // ---- usage ----

    public DomainUsage usage() {
        return new DomainUsage(consumed.sum(), charged.sum(), inUse.get(), waits.sum(),
                TimeUnit.NANOSECONDS.toMillis(waitNanos.sum()), denials.sum());
    }

    @Override
    public String toString() {
        return "ResourceDomain[" + name + ", " + resource().name() + "]";
    }
}
