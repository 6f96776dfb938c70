package io.isohost.testing;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class TestSupportTest {
    @Test
    void freePortsAreBelowTheEphemeralRangeAndBindable() throws Exception {
        int first = FreePorts.range(20);
        assertTrue(first >= 20_000 && first + 19 < 32_768, "range starts at " + first);
        for (int p = first; p < first + 20; p++) {
            new ServerSocket(p, 1, InetAddress.getLoopbackAddress()).close();
        }
        int port = FreePorts.port();
        assertTrue(port < 32_768, "port " + port);
    }

    @Test
    void aWaitEndsWhenItsConditionHoldsAndFailsNamingItOtherwise() {
        var polls = new AtomicInteger();
        Waits.await("three polls").until(() -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
        var e = assertThrows(ConditionTimeoutException.class,
                () -> Waits.await("a condition that never holds", Duration.ofMillis(50)).until(() -> false));
        assertTrue(e.getMessage().contains("a condition that never holds"), e.getMessage());
    }

    @Test
    void theManualClockMovesOnlyWhenTold() {
        var clock = new ManualClock(Instant.EPOCH);
        assertEquals(Instant.EPOCH, clock.instant());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(5)), clock.instant());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
    }

    @Test
    void theBackendAnswersWithItsNameAndCounts() throws Exception {
        try (var backend = new TestBackend("b1"); var http = HttpClient.newHttpClient()) {
            var r = http.send(HttpRequest.newBuilder(backend.uri().resolve("/x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("b1 /x", r.body());
            assertEquals(1, backend.requests.get());
            var headers = http.send(HttpRequest.newBuilder(URI.create(backend.uri() + "headers")).header("X-Test", "1").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(headers.body().contains("X-Test: 1"), headers.body());
        }
    }
}
