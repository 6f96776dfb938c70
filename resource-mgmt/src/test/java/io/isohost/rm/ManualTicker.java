package io.isohost.rm;

/** Time that moves only when a test says so. */
final class ManualTicker implements Ticker {
    private long now = 1_000_000_000L;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    synchronized void advanceMillis(long ms) {
        now += ms * 1_000_000L;
    }
}
