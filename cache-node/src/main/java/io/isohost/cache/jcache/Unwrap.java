package io.isohost.cache.jcache;

/** JCache's {@code unwrap}: the first of the candidates that is an instance of the asked type. */
final class Unwrap {
    private Unwrap() {
    }

    static <T> T to(Class<T> clazz, Object... candidates) {
        for (Object c : candidates) {
            if (clazz.isInstance(c)) {
                return clazz.cast(c);
            }
        }
        throw new IllegalArgumentException("cannot unwrap to " + clazz);
    }
}
