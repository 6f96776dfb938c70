package io.isohost.cache.jcache;

import java.io.ObjectInputFilter;
import java.util.Collection;
import java.util.Set;

/**
 * The classes one JCache cache may deserialize: the cache's declared key and value types, the patterns the
 * application configures ({@link TriadCachingProvider#SERIAL_FILTER}, in {@link ObjectInputFilter.Config#createFilter}
 * syntax), and {@link #DEFAULTS}, java.base's value types; everything else is refused before it is instantiated,
 * so a serializable "gadget" class on the class path never runs its {@code readObject}. Arrays count as their
 * element type; arrays of primitives and {@code Object[]} are allowed (each element is checked on its own). An array may not claim more elements than the stream has bytes,
 * and nesting is bounded, so a forged stream cannot make the reader allocate or recurse without limit.
 */
final class AllowList {
    /** java.base value types: strings, boxed primitives, big numbers, java.time, UUID, Date, the common collections. */
    static final String DEFAULTS = String.join(";",
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Number", "java.lang.Byte",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.Enum", "java.math.BigInteger", "java.math.BigDecimal", "java.time.*", "java.util.UUID",
            "java.util.Date", "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.CollSer", "java.util.Arrays$ArrayList", "java.util.Collections$*",
            "java.util.ImmutableCollections$*");
    static final int MAX_DEPTH = 100;

    private static final ObjectInputFilter DEFAULT_FILTER = ObjectInputFilter.Config.createFilter(DEFAULTS);

    private final Set<Class<?>> declared;
    private final ObjectInputFilter configured;
    private final String configuredPatterns;

    /**
     * @param declared the cache's key and value types (Object is left out: it declares nothing)
     * @param patterns the application's patterns, or null or blank for none
     */
    AllowList(Collection<Class<?>> declared, String patterns) {
        this.declared = Set.copyOf(declared.stream().filter(c -> c != Object.class).toList());
        this.configuredPatterns = patterns == null || patterns.isBlank() ? "" : patterns.strip();
        this.configured = configuredPatterns.isEmpty() ? null : ObjectInputFilter.Config.createFilter(configuredPatterns);
    }

    /** What the cache allows beyond the defaults, for messages. */
    String describe() {
        return "declared types " + declared.stream().map(Class::getName).sorted().toList()
                + (configuredPatterns.isEmpty() ? "" : ", patterns '" + configuredPatterns + "'");
    }

    /**
     * The filter for one stream of {@code streamBytes} bytes; {@code refused} receives the class it refuses.
     * The application's patterns are asked first, so they can also refuse ({@code !name}) what the defaults allow.
     */
    ObjectInputFilter forStream(int streamBytes, Class<?>[] refused) {
        return info -> {
            if (info.depth() > MAX_DEPTH || info.arrayLength() > streamBytes) {
                return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> c = info.serialClass();
            if (c == null) {
                return ObjectInputFilter.Status.UNDECIDED;
            }
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (element.isPrimitive() || (c.isArray() && element == Object.class)) {
                return ObjectInputFilter.Status.ALLOWED; // an Object[]'s elements are checked one by one
            }
            ObjectInputFilter.Status s = configured == null ? ObjectInputFilter.Status.UNDECIDED : configured.checkInput(info);
            if (s == ObjectInputFilter.Status.UNDECIDED && declared.contains(element)) {
                s = ObjectInputFilter.Status.ALLOWED;
            }
            if (s == ObjectInputFilter.Status.UNDECIDED) {
                s = DEFAULT_FILTER.checkInput(info);
            }
            if (s != ObjectInputFilter.Status.ALLOWED) {
                refused[0] = element;
                return ObjectInputFilter.Status.REJECTED;
            }
            return s;
        };
    }
}
