package io.isohost.rm;

/** A source of monotonic nanoseconds; policies take one so that tests can drive time by hand. */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
