package io.isohost.descriptor;

import java.util.List;

/** A servlet class and the URL patterns it answers, as in web.xml. The name defaults to the simple class name. */
public record ServletDescriptor(String name, String className, List<String> urlPatterns) {
    public ServletDescriptor {
        urlPatterns = List.copyOf(urlPatterns);
        if (name == null || name.isBlank()) {
            name = className.substring(className.lastIndexOf('.') + 1);
        }
    }
}
