package io.isohost.bench.lb;

import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the server does, and each
 * latency is measured from when the request was due, not when it could be sent, so a stalled
 * server is not hidden (no coordinated omission). Prints one JSON line, and each second's p99 on
 * standard error.
 * <p>
 * Before measuring, this JVM warms its own client code: {@value #WARMUP_SECONDS} s against
 * {@code WARMUP_URL} at no more than {@value #WARMUP_MAX_RATE}/s, and waits until every warm-up answer
 * is in. Without it the generator's own class loading and JIT (a few hundred ms even against the bare
 * backend) land in every proxy's p99. The warm-up is kept apart from the measured run and below
 * the backend's capacity, so no backlog built while warming is carried into the measurement.
 * Usage: OpenLoopLoad URL RATE SECONDS [GOOD_MILLIS [WARMUP_URL]]
 */
public final class OpenLoopLoad {
    static final int WARMUP_SECONDS = 3;
    static final int WARMUP_MAX_RATE = 500;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        long goodNanos = TimeUnit.MILLISECONDS.toNanos(args.length > 3 ? Long.parseLong(args[3]) : 1000);
        String warmupUrl = args.length > 4 ? args[4] : url;
        // answers are only counted, so they are handled on the selector thread that reads them: the
        // generator then costs less CPU, which on this 2-core machine the proxies and backend share
        var transport = new HttpClientTransportOverHTTP(new ClientConnector());
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setMaxConnectionsPerDestination(4096);
        client.setMaxRequestsQueuedPerDestination(1 << 20);
        client.setIdleTimeout(60_000);
        client.start();

        CountDownLatch warm = run(client, warmupUrl, Math.min(rate, WARMUP_MAX_RATE), WARMUP_SECONDS, (due, r) -> { });
        warm.await(WARMUP_SECONDS + 30L, TimeUnit.SECONDS);
        Thread.sleep(500);

        Histogram ok = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram[] perSecond = new Histogram[seconds + 1];
        for (int s = 0; s <= seconds; s++) {
            perSecond[s] = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
        }
        AtomicLong good = new AtomicLong();
        AtomicLong ok2xx = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime() + 50_000_000L;
        CountDownLatch done = run(client, url, rate, seconds, (due, r) -> {
            long latency = System.nanoTime() - due;
            if (r.isFailed()) {
                failed.incrementAndGet();
            } else if (r.getResponse().getStatus() / 100 == 2) {
                ok2xx.incrementAndGet();
                long v = Math.min(latency, ok.getHighestTrackableValue());
                synchronized (ok) {
                    ok.recordValue(v);
                    perSecond[(int) Math.min(seconds, Math.max(0, (due - start) / 1_000_000_000L))].recordValue(v);
                }
                if (latency <= goodNanos) {
                    good.incrementAndGet();
                }
            } else {
                non2xx.incrementAndGet();
            }
        });
        done.await(seconds + 60L, TimeUnit.SECONDS);
        client.stop();
        StringBuilder timeline = new StringBuilder("p99 per second, ms:");
        for (int s = 0; s < seconds; s++) {
            timeline.append(String.format(Locale.ROOT, " %.1f", perSecond[s].getValueAtPercentile(99) / 1e6));
        }
        System.err.println(timeline);
        long total = (long) (rate * seconds);
        System.out.printf(Locale.ROOT,
                "{\"url\":\"%s\",\"rate\":%.1f,\"seconds\":%d,\"sent\":%d,\"ok\":%d,\"non2xx\":%d,\"failed\":%d,"
                        + "\"goodput_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f}%n",
                url, rate, seconds, total, ok2xx.get(), non2xx.get(), failed.get(), good.get() / (double) seconds,
                ok.getValueAtPercentile(50) / 1e6, ok.getValueAtPercentile(99) / 1e6, ok.getValueAtPercentile(99.9) / 1e6);
    }

    interface Outcome {
        void accept(long due, Result result);
    }

    /**
     * Sends {@code rate × seconds} requests, each at its due time from now; returns a latch that
     * opens when every one is answered.
     */
    private static CountDownLatch run(HttpClient client, String url, double rate, int seconds, Outcome outcome) {
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
                outcome.accept(due, r);
                done.countDown();
            });
        }
        return done;
    }
}
