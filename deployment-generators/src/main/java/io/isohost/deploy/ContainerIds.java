package io.isohost.deploy;

import io.isohost.deploy.internal.ServiceLayout;
import io.isohost.descriptor.ServiceDescriptor;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The container ids the built-in generators give a service: {@code SERVICE-N} for its allocated
 * containers and {@code SERVICE-COMPONENT} for each stateful component's own. Two services whose
 * ids could meet (service {@code rubis-rubis} with component {@code db} and service {@code rubis}
 * with component {@code rubis-db} both make {@code rubis-rubis-db}) cannot run side by side.
 */
public final class ContainerIds {
    private static final Pattern ALLOCATED = Pattern.compile("[0-9]+");

    private ContainerIds() {
    }

    /** The ids of the service's stateful components' own containers. */
    public static Set<String> dedicated(ServiceDescriptor service) {
        Set<String> ids = new TreeSet<>();
        ServiceLayout.dedicatedContainers(service).forEach(p -> ids.add(p.id()));
        return ids;
    }

    /** Whether the built-in generators could ever give one of the service's containers this id. */
    public static boolean mayName(ServiceDescriptor service, String id) {
        String prefix = service.name() + "-";
        return dedicated(service).contains(id)
                || id.startsWith(prefix) && ALLOCATED.matcher(id.substring(prefix.length())).matches();
    }

    /** An id both services could give one of their containers, if there is one. */
    public static Optional<String> collision(ServiceDescriptor a, ServiceDescriptor b) {
        for (String id : dedicated(a)) {
            if (mayName(b, id)) {
                return Optional.of(id);
            }
        }
        for (String id : dedicated(b)) {
            if (mayName(a, id)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }
}
