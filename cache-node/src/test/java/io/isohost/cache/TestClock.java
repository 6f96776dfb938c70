package io.isohost.cache;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move by hand: it starts at the system time (so versions and stored times look real) and only
 * moves on {@link #advance}. Shared by a test's servers and clients, so expiry is decided by the test, not by sleeps.
 */
public final class TestClock implements InstantSource {
    private final AtomicLong nanos;

    public TestClock() {
        Instant now = Instant.now();
        nanos = new AtomicLong(now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public Instant instant() {
        long n = nanos.get();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public long millis() {
        return Math.floorDiv(nanos.get(), 1_000_000L);
    }
}
