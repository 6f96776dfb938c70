package io.isohost.descriptor;

import java.util.List;
import java.util.Map;

/**
 * A component that runs inside an application-server component (for example one servlet of an
 * application). Generators place it on its own: an application-server instance in a container
 * activates only the embedded components placed there.
 */
public record EmbeddedComponentDescriptor(String name, String applicationServer, List<ServletDescriptor> servlets,
                                          Map<String, Double> consumes) {
    public EmbeddedComponentDescriptor {
        servlets = List.copyOf(servlets);
        consumes = Map.copyOf(consumes);
    }
}
