package io.isohost.bench.lb;

import io.isohost.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenLoopLoadTest {
    private TestBackend server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAnswerIsCompleteWhenItsBodyIsIn() {
        assertEquals(0, OpenLoopLoad.complete(buffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n")));
        assertEquals(0, OpenLoopLoad.complete(buffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc")));
        assertEquals(200, OpenLoopLoad.complete(buffer("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabcde")));
        assertEquals(503, OpenLoopLoad.complete(buffer("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(0, OpenLoopLoad.complete(buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")));
        assertEquals(200, OpenLoopLoad.complete(buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")));
        assertEquals(204, OpenLoopLoad.complete(buffer("HTTP/1.1 204 No Content\r\n\r\n")));
    }

    @Test
    void everyRequestIsAnsweredAndTimedFromItsDueTime() throws Exception {
        int port = start(false);
        var statuses = new ConcurrentLinkedQueue<Integer>();
        var late = new ConcurrentLinkedQueue<Long>();
        URI fast = URI.create("http://127.0.0.1:" + port + "/fast");
        try (var g = new OpenLoopLoad.Generator(fast)) {
            assertTrue(g.run(fast, 200, 1, (due, status) -> { }).await(30, TimeUnit.SECONDS), "a first run (a warm-up)");
            assertTrue(g.run(fast, 400, 1, (due, status) -> {
                statuses.add(status);
                late.add(System.nanoTime() - due);
            }).await(30, TimeUnit.SECONDS), "all 400 answered");
        }
        assertEquals(400, statuses.size(), "the second run's answers go to the second run's outcome only");
        assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
        assertTrue(late.stream().allMatch(n -> n > 0), "latency counts from the due time, which is before the answer");
    }

    @Test
    void theWarmUpSecondsOfAnUnbrokenRunAreNotCounted() throws Exception {
        int port = start(false);
        URI fast = URI.create("http://127.0.0.1:" + port + "/fast");
        var recording = new OpenLoopLoad.Recording(2, TimeUnit.SECONDS.toNanos(1));
        try (var g = new OpenLoopLoad.Generator(fast)) {
            assertTrue(g.run(fast, 300, 2, recording).await(30, TimeUnit.SECONDS));
        }
        var measured = recording.from(1);
        assertEquals(300, measured.ok2xx(), "the second second's 300 answers, not the first's");
        assertEquals(300, measured.all().getTotalCount());
        assertEquals(300, recording.perSecond[0].getTotalCount(), "the warm-up second recorded apart");
        assertTrue(measured.p99CountingRefusals(300) < TimeUnit.SECONDS.toNanos(1), "all answered: the p99 is an answer's");
        assertTrue(measured.p99CountingRefusals(310) >= TimeUnit.SECONDS.toNanos(59),
                "10 of 310 refused or lost (3%): the p99 falls among them");
    }

    @Test
    void aServerThatClosesEveryConnectionIsStillMeasured() throws Exception {
        int port = start(true);
        var statuses = new ConcurrentLinkedQueue<Integer>();
        URI x = URI.create("http://127.0.0.1:" + port + "/x");
        try (var g = new OpenLoopLoad.Generator(x)) {
            assertTrue(g.run(x, 100, 1, (due, status) -> statuses.add(status)).await(30, TimeUnit.SECONDS));
        }
        assertEquals(100, statuses.size());
        assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
    }

    private int start(boolean close) throws Exception {
        server = new TestBackend("backend");
        server.closeConnections = close;
        return server.port();
    }

    private static ByteBuffer buffer(String s) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.put(s.getBytes(StandardCharsets.US_ASCII));
        return b;
    }
}
