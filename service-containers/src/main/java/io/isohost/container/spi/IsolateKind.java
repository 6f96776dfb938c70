package io.isohost.container.spi;

import io.isohost.container.ComponentSpec;
import io.isohost.container.Isolate;
import io.isohost.container.IsolateException;

import java.util.Set;

/**
 * A way of isolating components ({@code java}, {@code process}, {@code js}, ...). A new kind
 * plugs in here; containers and the daemon only ever talk to {@link Isolate}.
 */
public interface IsolateKind {
    /** The name descriptors use, for example {@code java}. */
    String name();

    /** What this kind can enforce, for status pages: for example {@code hard-kill}, {@code heap-cap}. */
    Set<String> capabilities();

    /** Makes an isolate for {@code spec}; it does not start it. Checks what it can up front. */
    Isolate create(ComponentSpec spec, IsolateEnvironment environment) throws IsolateException;
}
