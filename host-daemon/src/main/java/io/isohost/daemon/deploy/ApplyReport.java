package io.isohost.daemon.deploy;

import java.util.List;

/** What one apply changed; all lists empty means the host already matched. */
public record ApplyReport(long version, List<String> containersCreated, List<String> containersDestroyed,
                          List<String> containersRetuned, List<String> isolatesStarted, List<String> isolatesStopped,
                          long millis) {
    public boolean changedNothing() {
        return containersCreated.isEmpty() && containersDestroyed.isEmpty() && containersRetuned.isEmpty()
                && isolatesStarted.isEmpty() && isolatesStopped.isEmpty();
    }
}
