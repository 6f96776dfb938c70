package io.isohost.lb;

import io.isohost.testing.TestBackend;

/** The balancer's view of a test backend. */
final class TestEndpoints {
    private TestEndpoints() {
    }

    static Endpoint endpoint(TestBackend b) {
        return new Endpoint(b.uri(), b.name());
    }

    static Endpoint endpoint(TestBackend b, int weight) {
        return new Endpoint(b.uri(), b.name(), weight);
    }
}
