package io.isohost.container.internal;

import io.isohost.rm.ResourceDomain;
import io.isohost.rm.ResourceDeniedException;

import java.util.ArrayList;
import java.util.List;

/**
 * Admits one request into a container: its {@code requests} domain and those of the groups above
 * it (rate, concurrency), then its {@code cpu-time} and {@code heap-allocation} domains (CPU share,
 * allocation budget). Closing the ticket ends the request for concurrency limits.
 */
final class RequestGate {
    private final List<ResourceDomain> requestDomains;
    private final List<ResourceDomain> meteredDomains;

    RequestGate(List<ResourceDomain> requestDomains, List<ResourceDomain> meteredDomains) {
        this.requestDomains = List.copyOf(requestDomains);
        this.meteredDomains = List.copyOf(meteredDomains);
    }

    /** @throws ResourceDeniedException when a policy refuses; nothing stays admitted then */
    AutoCloseable admit() {
        List<ResourceDomain.Admission> held = new ArrayList<>(requestDomains.size());
        try {
            for (ResourceDomain d : requestDomains) {
                held.add(d.admit(1));
            }
            for (ResourceDomain d : meteredDomains) {
                d.consume(0);
            }
        } catch (RuntimeException e) {
            held.forEach(ResourceDomain.Admission::close);
            throw e;
        }
        return () -> {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).close();
            }
        };
    }
}
