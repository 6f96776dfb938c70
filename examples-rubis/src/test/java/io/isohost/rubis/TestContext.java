package io.isohost.rubis;

import io.isohost.container.ComponentContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;

/** What a RUBiS component sees of its isolate, for tests: its directory and arguments. */
public record TestContext(Path directory, List<String> arguments) implements ComponentContext {
    @Override
    public String componentName() {
        return directory.getFileName().toString();
    }

    @Override
    public String containerName() {
        return "test";
    }

    @Override
    public Map<String, String> environment() {
        return Map.of();
    }

    @Override
    public ExecutorService executor() {
        return ForkJoinPool.commonPool(); // RUBiS's components never ask; a real pool all the same
    }
}
