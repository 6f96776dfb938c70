package io.isohost.lb;

import java.util.List;

/**
 * Which URLs belong to a component, and the backends that host it.
 *
 * @param urlPatterns servlet-style patterns: {@code /exact}, {@code /prefix/*}, {@code *.ext}
 * @param tenant      who owns the component, for tenants' queue shares ({@code ""}: nobody in particular)
 */
public record ComponentRoute(String component, List<String> urlPatterns, List<Backend> backends, String tenant) {
    public ComponentRoute(String component, List<String> urlPatterns, List<Backend> backends) {
        this(component, urlPatterns, backends, "");
    }

    public ComponentRoute {
        tenant = tenant == null ? "" : tenant;
        urlPatterns = List.copyOf(urlPatterns);
        backends = List.copyOf(backends);
        if (component == null || component.isBlank()) {
            throw new IllegalArgumentException("a route needs a component name");
        }
        if (urlPatterns.isEmpty()) {
            throw new IllegalArgumentException("component '" + component + "' has no URL pattern");
        }
    }
}
