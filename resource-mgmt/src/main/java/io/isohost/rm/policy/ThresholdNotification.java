package io.isohost.rm.policy;

import io.isohost.rm.ConsumeEvent;
import io.isohost.rm.Notification;
import io.isohost.rm.ResourceDomain;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Calls a listener once when a domain's total consumption (consumed plus charged) crosses a threshold. */
public final class ThresholdNotification implements Notification {
    private final long threshold;
    private final Consumer<ResourceDomain> listener;
    private final AtomicLong total = new AtomicLong();

    public ThresholdNotification(long threshold, Consumer<ResourceDomain> listener) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
        }
        this.threshold = threshold;
        this.listener = listener;
    }

    @Override
    public void consumed(ConsumeEvent event) {
        long after = total.addAndGet(event.quantity());
        if (after >= threshold && after - event.quantity() < threshold) {
            listener.accept(event.domain());
        }
    }

    @Override
    public String describe() {
        return "threshold " + threshold;
    }
}
