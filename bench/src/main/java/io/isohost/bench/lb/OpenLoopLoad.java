package io.isohost.bench.lb;

import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the server does, and each
 * latency is measured from when the request was due, not when it could be sent, so a stalled
 * server is not hidden (no coordinated omission). Prints one JSON line.
 * Usage: OpenLoopLoad URL RATE SECONDS [GOOD_MILLIS]
 */
public final class OpenLoopLoad {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        long goodNanos = TimeUnit.MILLISECONDS.toNanos(args.length > 3 ? Long.parseLong(args[3]) : 1000);
        HttpClient client = new HttpClient();
        client.setMaxConnectionsPerDestination(4096);
        client.setMaxRequestsQueuedPerDestination(1 << 20);
        client.setIdleTimeout(60_000);
        client.start();
        Histogram ok = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong good = new AtomicLong();
        AtomicLong ok2xx = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long total = (long) (rate * seconds);
        CountDownLatch done = new CountDownLatch((int) total);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            client.newRequest(url).timeout(30, TimeUnit.SECONDS).send((Result r) -> {
                long latency = System.nanoTime() - due;
                if (r.isFailed()) {
                    failed.incrementAndGet();
                } else if (r.getResponse().getStatus() / 100 == 2) {
                    ok2xx.incrementAndGet();
                    synchronized (ok) {
                        ok.recordValue(Math.min(latency, ok.getHighestTrackableValue()));
                    }
                    if (latency <= goodNanos) {
                        good.incrementAndGet();
                    }
                } else {
                    non2xx.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await(seconds + 60L, TimeUnit.SECONDS);
        client.stop();
        System.out.printf(Locale.ROOT,
                "{\"url\":\"%s\",\"rate\":%.1f,\"seconds\":%d,\"sent\":%d,\"ok\":%d,\"non2xx\":%d,\"failed\":%d,"
                        + "\"goodput_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f}%n",
                url, rate, seconds, total, ok2xx.get(), non2xx.get(), failed.get(), good.get() / (double) seconds,
                ok.getValueAtPercentile(50) / 1e6, ok.getValueAtPercentile(99) / 1e6, ok.getValueAtPercentile(99.9) / 1e6);
    }
}
