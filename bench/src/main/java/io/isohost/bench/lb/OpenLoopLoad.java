package io.isohost.bench.lb;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the server does, and each
 * latency is measured from when the request was due, not when it could be sent, so a stalled
 * server is not hidden (no coordinated omission). Prints one JSON line, and each second's p99 on
 * standard error.
 * <p>
 * It speaks just enough HTTP/1.1 for the benchmark (GET, keep-alive, one request at a time per
 * connection, Content-Length or chunked answers) over plain NIO: one thread sends on schedule, one
 * reads answers. A general client (Jetty's, tried first) cost this generator 2-3 times the CPU of the
 * proxy it measured, and on a 2-core machine that CPU is taken from the proxy and the backend, so
 * the p99 measured the generator. A request finds an idle connection, or opens one (up to
 * {@value #MAX_CONNECTIONS}), or waits for the next connection to free; its clock runs from its due
 * time throughout.
 * <p>
 * Before measuring, this JVM warms its own code: {@value #WARMUP_SECONDS} s against
 * {@code WARMUP_URL} at no more than {@value #WARMUP_MAX_RATE}/s, and waits until every warm-up answer
 * is in, so that its class loading and JIT are not counted against the server, and no backlog built
 * while warming is carried into the measurement. {@code --warmup-at-rate S} instead sends at the
 * measured rate from the start and leaves the first S seconds uncounted, as wrk2 calibrates before a
 * latency run: below capacity no backlog builds, and the generator's own transition from warm-up to
 * measurement no longer adds a slow first second to every proxy's p99 (it did, by 1-3 ms at a 0.4 ms
 * steady p99). Overload runs keep the gentle warm-up, so that the uncontrolled proxies' backlog is
 * measured, not built beforehand.
 * Usage: OpenLoopLoad [--warmup-at-rate SECONDS] URL RATE SECONDS [GOOD_MILLIS [WARMUP_URL]]
 */
public final class OpenLoopLoad {
    static final int WARMUP_SECONDS = 3;
    static final int WARMUP_MAX_RATE = 500;
    static final int MAX_CONNECTIONS = 2048;

    public static void main(String[] args) {
        try {
            measure(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void measure(String[] args) throws Exception {
        int warmupSeconds = WARMUP_SECONDS;
        boolean warmupAtRate = args.length > 1 && args[0].equals("--warmup-at-rate");
        if (warmupAtRate) {
            warmupSeconds = Integer.parseInt(args[1]);
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        URI url = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        long goodNanos = TimeUnit.MILLISECONDS.toNanos(args.length > 3 ? Long.parseLong(args[3]) : 1000);
        URI warmupUrl = args.length > 4 ? URI.create(args[4]) : url;

        long total = (long) (rate * seconds);
        int skip = warmupAtRate ? warmupSeconds : 0;
        Recording recording = new Recording(skip + seconds, goodNanos);
        try (Generator load = new Generator(url)) {
            if (warmupAtRate) {
                // one unbroken schedule whose first seconds are not counted, as wrk2 calibrates: a second
                // run after a pause measured a slow first second of the generator's own, for every proxy
                load.run(url, rate, skip + seconds, recording).await(skip + seconds + 60L, TimeUnit.SECONDS);
            } else {
                // the measured run keeps the warm-up's connections, as a client already talking to the
                // proxy would; the warm-up's answers go through the same recording code
                load.run(warmupUrl, Math.min(rate, WARMUP_MAX_RATE), warmupSeconds, new Recording(warmupSeconds, goodNanos))
                        .await(warmupSeconds + 30L, TimeUnit.SECONDS);
                Thread.sleep(500); // a backlog left by the warm-up drains before the measured run
                load.run(url, rate, seconds, recording).await(seconds + 60L, TimeUnit.SECONDS);
            }
        }
        StringBuilder timeline = new StringBuilder("p99 per second, ms:");
        for (int s = skip; s < skip + seconds; s++) {
            timeline.append(String.format(Locale.ROOT, " %.1f", recording.perSecond[s].getValueAtPercentile(99) / 1e6));
        }
        System.err.println(timeline);
        Recording.Summary m = recording.from(skip);
        System.out.printf(Locale.ROOT,
                "{\"url\":\"%s\",\"rate\":%.1f,\"seconds\":%d,\"sent\":%d,\"ok\":%d,\"non2xx\":%d,\"failed\":%d,"
                        + "\"goodput_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"p99_all_ms\":%.3f}%n",
                url, rate, seconds, total, m.ok2xx(), m.non2xx(), total - m.ok2xx() - m.non2xx(), m.good() / (double) seconds,
                m.all().getValueAtPercentile(50) / 1e6, m.all().getValueAtPercentile(99) / 1e6, m.all().getValueAtPercentile(99.9) / 1e6,
                m.p99CountingRefusals(total) / 1e6);
    }

    /**
     * Latencies and counts of one run by second of due time; answers arrive on the one reading thread.
     * A warm-up's seconds are recorded like any other and left out when summing: a recording that
     * switched at the warm-up's end, by a branch never taken while warming, was compiled for the
     * warm-up alone, and its recompiling when the first counted answers came (on the generator's one
     * core) made the first counted second slow for every proxy.
     */
    static final class Recording implements Outcome {
        final Histogram[] perSecond;
        private final long[] ok2xx;
        private final long[] non2xx;
        private final long[] good;
        private final long goodNanos;
        private volatile long start;

        Recording(int seconds, long goodNanos) {
            this.goodNanos = goodNanos;
            perSecond = new Histogram[seconds + 1]; // the last holds anything due after the end
            for (int s = 0; s <= seconds; s++) {
                perSecond[s] = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            }
            ok2xx = new long[seconds + 1];
            non2xx = new long[seconds + 1];
            good = new long[seconds + 1];
        }

        @Override
        public void started(long firstDue) {
            start = firstDue;
        }

        @Override
        public void answered(long due, int status) {
            long latency = System.nanoTime() - due;
            int s = (int) Math.min(perSecond.length - 1, Math.max(0, (due - start) / 1_000_000_000L));
            if (status / 100 != 2) {
                non2xx[s]++;
                return;
            }
            ok2xx[s]++;
            perSecond[s].recordValue(Math.min(latency, perSecond[s].getHighestTrackableValue()));
            if (latency <= goodNanos) {
                good[s]++;
            }
        }

        record Summary(Histogram all, long ok2xx, long non2xx, long good) {
            /**
             * The p99 of all {@code sent} requests, a non-2xx answer or none counting as slower than any
             * 2xx answer: a proxy that refuses what would have waited (nginx over {@code max_conns}
             * answers 502 at once) otherwise leaves its slowest requests out of its own p99.
             */
            long p99CountingRefusals(long sent) {
                Histogram h = all.copy();
                h.recordValueWithCount(h.getHighestTrackableValue(), Math.max(0, sent - ok2xx));
                return h.getValueAtPercentile(99);
            }
        }

        /** Everything due from second {@code first} on. */
        Summary from(int first) {
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long ok = 0, bad = 0, inTime = 0;
            for (int s = first; s < perSecond.length; s++) {
                all.add(perSecond[s]);
                ok += ok2xx[s];
                bad += non2xx[s];
                inTime += good[s];
            }
            return new Summary(all, ok, bad, inTime);
        }
    }

    interface Outcome {
        /** The run's first request is due at {@code firstDue}; called before it is sent. */
        default void started(long firstDue) {
        }

        /** An answer to the request due at {@code due} (System.nanoTime), with its status; called on the reading thread. */
        void answered(long due, int status);
    }

    /** Connections to one server, a sender (the caller of {@link #run}) and a reading thread. */
    static final class Generator implements AutoCloseable {
        static final long LEAD_NANOS = 50_000_000L;
        private final InetSocketAddress server;
        private volatile byte[] request;
        private volatile Outcome outcome;
        private final Selector selector = Selector.open();
        private final Object lock = new Object();
        private final ArrayDeque<Connection> idle = new ArrayDeque<>();
        private final ArrayDeque<Long> waiting = new ArrayDeque<>(); // due times of requests with no connection yet
        private int open;
        private volatile CountDownLatch done = new CountDownLatch(0);
        private final Thread reader;

        /** Connections to {@code url}'s host and port; each {@link #run} names its own path. */
        Generator(URI url) throws IOException {
            this.server = new InetSocketAddress(url.getHost(), url.getPort());
            this.reader = Thread.ofPlatform().name("open-loop-reader").daemon().start(this::read);
        }

        /**
         * Sends {@code rate × seconds} GETs of {@code url}'s path on schedule; the latch opens when all
         * are answered. Runs follow one another; a run starts after the previous one's answers are in.
         */
        CountDownLatch run(URI url, double rate, int seconds, Outcome outcome) throws IOException {
            String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            this.outcome = outcome; // the previous run is over: every answer to it is in
            long total = (long) (rate * seconds);
            done = new CountDownLatch((int) total);
            long start = System.nanoTime() + LEAD_NANOS;
            outcome.started(start);
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate); // not i × a rounded interval, which drifts
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Connection c;
                synchronized (lock) {
                    c = idle.pollFirst();
                    if (c == null) {
                        if (open >= MAX_CONNECTIONS) {
                            waiting.addLast(due);
                            continue;
                        }
                        open++;
                    }
                }
                if (c == null) {
                    c = connect();
                }
                try {
                    c.send(due);
                } catch (IOException e) { // the server closed it while idle: once more on a new one
                    c.closed();
                    synchronized (lock) {
                        open++;
                    }
                    connect().send(due);
                }
            }
            return done;
        }

        private Connection connect() throws IOException {
            SocketChannel ch = SocketChannel.open(server);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            Connection c = new Connection(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            selector.wakeup(); // the reading thread picks the new key up before the answer can come
            return c;
        }

        private void read() {
            try {
                while (selector.isOpen()) {
                    selector.select();
                    for (SelectionKey k : selector.selectedKeys()) {
                        ((Connection) k.attachment()).readable();
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                // closed: the run is over
            }
        }

        /** One keep-alive connection with at most one request out. */
        final class Connection {
            final SocketChannel channel;
            SelectionKey key;
            final ByteBuffer in = ByteBuffer.allocate(64 << 10);
            ByteBuffer out = ByteBuffer.allocate(0);
            long due;
            volatile boolean busy;
            private boolean gone; // guarded by lock

            Connection(SocketChannel channel) {
                this.channel = channel;
            }

            void send(long due) throws IOException {
                this.due = due;
                busy = true;
                if (out.array() != request) {
                    out = ByteBuffer.wrap(request);
                }
                out.rewind();
                while (out.hasRemaining()) {
                    channel.write(out); // a small request into an empty socket buffer: written at once
                }
            }

            void readable() {
                int n;
                try {
                    n = channel.read(in);
                } catch (IOException e) {
                    n = -1;
                }
                int status = n < 0 ? 0 : complete(in);
                if (status == 0) {
                    if (n < 0 || !in.hasRemaining()) { // closed, or an answer too big for this generator
                        closed();
                    }
                    return; // more to come
                }
                boolean close = headerHas(in, "connection: close");
                in.clear();
                busy = false;
                outcome.answered(due, status);
                done.countDown();
                if (close) {
                    closed();
                } else {
                    next(this);
                }
            }

            void closed() {
                synchronized (lock) {
                    if (gone) {
                        return;
                    }
                    gone = true;
                    open--;
                    idle.remove(this);
                }
                key.cancel();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already gone
                }
                if (busy) { // its request is lost: it counts as failed at the end
                    busy = false;
                    done.countDown();
                }
            }
        }

        /** A connection came free: the oldest request waiting for one goes out on it. */
        private void next(Connection c) {
            Long due;
            synchronized (lock) {
                due = waiting.pollFirst();
                if (due == null) {
                    idle.addLast(c);
                    return;
                }
            }
            try {
                c.send(due);
            } catch (IOException e) {
                c.closed();
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
            reader.interrupt();
        }
    }

    /** The status of a complete answer in {@code in} (position = bytes read), or 0 if it is not complete yet. */
    static int complete(ByteBuffer in) {
        int end = in.position();
        byte[] a = in.array();
        int headerEnd = indexOf(a, 0, end, "\r\n\r\n");
        if (headerEnd < 0 || end < 12) {
            return 0;
        }
        int body = headerEnd + 4;
        int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
        long length = contentLength(a, headerEnd);
        if (length >= 0) {
            return end - body >= length ? status : 0;
        }
        if (headerHas(in, "transfer-encoding: chunked")) {
            return end - body >= 5 && indexOf(a, end - 5, end, "0\r\n\r\n") >= 0 ? status : 0;
        }
        return status; // no body (204, 304)
    }

    private static long contentLength(byte[] a, int headerEnd) {
        int i = indexOfIgnoreCase(a, headerEnd, "\r\ncontent-length:");
        if (i < 0) {
            return -1;
        }
        long v = 0;
        for (int p = i + 17; p < headerEnd && a[p] != '\r'; p++) {
            if (a[p] >= '0' && a[p] <= '9') {
                v = v * 10 + (a[p] - '0');
            }
        }
        return v;
    }

    private static boolean headerHas(ByteBuffer in, String lowerCaseHeader) {
        byte[] a = in.array();
        int headerEnd = indexOf(a, 0, in.position(), "\r\n\r\n");
        return indexOfIgnoreCase(a, headerEnd < 0 ? in.position() : headerEnd, "\r\n" + lowerCaseHeader) >= 0;
    }

    private static int indexOf(byte[] a, int from, int to, String s) {
        outer:
        for (int i = from; i <= to - s.length(); i++) {
            for (int j = 0; j < s.length(); j++) {
                if (a[i + j] != s.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOfIgnoreCase(byte[] a, int to, String lower) {
        outer:
        for (int i = 0; i <= to - lower.length(); i++) {
            for (int j = 0; j < lower.length(); j++) {
                if (Character.toLowerCase(a[i + j]) != lower.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
