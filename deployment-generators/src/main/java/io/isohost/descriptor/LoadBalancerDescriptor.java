package io.isohost.descriptor;

import java.nio.file.Path;
import java.util.List;

/**
 * The service's load-balancer component. Its configuration class, loaded from its artifacts, is
 * called on every replica added or removed. The deployment manager runs it; generators do not
 * place it.
 */
public record LoadBalancerDescriptor(String name, String configurationClass, List<Path> artifacts) {
    public LoadBalancerDescriptor {
        artifacts = List.copyOf(artifacts);
    }
}
