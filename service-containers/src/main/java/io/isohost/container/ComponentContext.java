package io.isohost.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** What a component sees of the isolate it runs in. */
public interface ComponentContext {
    String componentName();

    String containerName();

    List<String> arguments();

    Map<String, String> environment();

    /** The component's private directory (its replica copy when it is replicated). */
    Path directory();

    /** The isolate's own platform threads; work submitted here is accounted to the isolate. */
    ExecutorService executor();
}
