package io.isohost.container.internal;

import io.isohost.container.HostSettings;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.policy.CpuArbiter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Which ports a new endpoint tries: the fixed one, or the host's range from where the last search stopped. */
class PortCandidatesTest {
    private static Host host(int first, int last) {
        return new Host(new HostSettings(Path.of("unused"), "127.0.0.1", first, last, null), new ResourceRegistry(), new CpuArbiter());
    }

    @Test
    void aFixedPortIsTheOnlyCandidate() {
        assertEquals(List.of(25_555), host(21_000, 21_009).portCandidates(25_555));
    }

    @Test
    void eachSearchStartsPastTheLastOneAndWrapsAround() {
        Host host = host(21_000, 21_003);
        assertEquals(List.of(21_000, 21_001, 21_002, 21_003), host.portCandidates(0));
        assertEquals(List.of(21_001, 21_002, 21_003, 21_000), host.portCandidates(0),
                "a port just tried is tried last next time (it may be in TIME_WAIT or taken by another host)");
        host.portCandidates(0);
        assertEquals(List.of(21_003, 21_000, 21_001, 21_002), host.portCandidates(0));
        assertEquals(List.of(21_000, 21_001, 21_002, 21_003), host.portCandidates(0), "past the last port it starts again");
    }

    @Test
    void claimedPortsAreSkippedUntilReleased() {
        Host host = host(21_000, 21_003);
        host.claimPort(21_000);
        host.claimPort(21_002);
        assertEquals(List.of(21_001, 21_003), host.portCandidates(0));
        host.releasePort(21_002);
        assertTrue(host.portCandidates(0).contains(21_002));
        host.claimPort(21_001);
        host.claimPort(21_002);
        host.claimPort(21_003);
        assertEquals(List.of(), host.portCandidates(0), "a full range has no candidate");
    }

    @Test
    void aSearchTriesAtMost64Ports() {
        List<Integer> candidates = host(21_000, 21_999).portCandidates(0);
        assertEquals(64, candidates.size());
        assertEquals(21_000, candidates.getFirst());
        assertEquals(21_063, candidates.getLast());
    }
}
