package io.isohost.container.internal;

import io.isohost.container.IsolateExit;
import io.isohost.rm.ResourceContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the isolate whose thread asked to exit, through the thread's resource context. */
public final class ExitHandling {
    private static final Map<ResourceContext, JavaIsolate> ISOLATES = new ConcurrentHashMap<>();

    private ExitHandling() {
    }

    static void register(ResourceContext context, JavaIsolate isolate) {
        ISOLATES.put(context, isolate);
    }

    static void unregister(ResourceContext context) {
        ISOLATES.remove(context);
    }

    public static void exitRequested(IsolateExit.ExitRequested exit) {
        ResourceContext.current().map(ISOLATES::get).ifPresent(isolate -> isolate.exitRequested(exit));
    }
}
