package io.isohost.rm.internal;

/**
 * A token bucket that is paid after the fact: usage is charged once measured and may drive the
 * balance below zero; new work is admitted only while the balance is not negative. Over any long
 * run the charged quantity tracks {@code ratePerSecond}; {@code burst} is what an idle owner may
 * spend at once. Thread-safe.
 */
public final class DebtBucket {
    private double ratePerNano;
    private double burst;
    private double balance;
    private long last;

    public DebtBucket(double ratePerSecond, double burst, long now) {
        retune(ratePerSecond, burst, now);
        this.balance = this.burst;
        this.last = now;
    }

    public synchronized void retune(double ratePerSecond, double newBurst, long now) {
        refill(now);
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = newBurst;
        if (balance > newBurst) {
            balance = newBurst;
        }
    }

    public synchronized void charge(double quantity, long now) {
        refill(now);
        balance -= quantity;
    }

    /** Nanoseconds until the balance is back to zero; 0 when work may start now. */
    public synchronized long nanosUntilSolvent(long now) {
        refill(now);
        if (balance >= 0) {
            return 0;
        }
        return (long) Math.ceil(-balance / ratePerNano);
    }

    public synchronized double balance(long now) {
        refill(now);
        return balance;
    }

    private void refill(long now) {
        if (now > last) {
            balance = Math.min(burst, balance + (now - last) * ratePerNano);
            last = now;
        }
    }
}
