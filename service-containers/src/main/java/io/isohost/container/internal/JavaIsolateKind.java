package io.isohost.container.internal;

import io.isohost.container.ComponentSpec;
import io.isohost.container.Isolate;
import io.isohost.container.IsolateException;
import io.isohost.container.spi.IsolateEnvironment;
import io.isohost.container.spi.IsolateKind;

import java.util.Set;

/** Class-loader isolates: milliseconds to start, shared JIT; cannot cap heap or kill a thread. */
public final class JavaIsolateKind implements IsolateKind {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public Set<String> capabilities() {
        return Set.of("fast-start", "cpu-metering", "allocation-metering", "own-class-loader", "own-threads");
    }

    @Override
    public Isolate create(ComponentSpec spec, IsolateEnvironment environment) throws IsolateException {
        return new JavaIsolate(spec, environment);
    }
}
