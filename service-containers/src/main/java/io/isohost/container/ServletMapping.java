package io.isohost.container;

import java.util.List;

/** A servlet class of a component and the URL patterns it answers, as in web.xml. */
public record ServletMapping(String name, String className, List<String> urlPatterns) {
    public ServletMapping {
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("a servlet needs a class name");
        }
        if (urlPatterns == null || urlPatterns.isEmpty()) {
            throw new IllegalArgumentException("servlet '" + className + "' needs at least one URL pattern");
        }
        for (String p : urlPatterns) {
            if (!(p.startsWith("/") || p.startsWith("*.") || p.isEmpty())) {
                throw new IllegalArgumentException("servlet '" + className + "': URL pattern '" + p
                        + "' must start with '/' or '*.'");
            }
        }
        name = name == null || name.isBlank() ? className.substring(className.lastIndexOf('.') + 1) : name;
        urlPatterns = List.copyOf(urlPatterns);
    }

    public static ServletMapping of(String className, String... patterns) {
        return new ServletMapping(null, className, List.of(patterns));
    }
}
