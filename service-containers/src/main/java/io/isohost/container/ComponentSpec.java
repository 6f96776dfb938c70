package io.isohost.container;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to run in an isolate: which kind of isolate, the component's code (jars or class
 * directories), how to enter it (an entry class, servlets mapped to URL patterns, or both), its
 * arguments and environment, optionally how to replicate its files, and where its directory lives.
 *
 * @param directory the component's directory relative to the host's data directory, for example
 *                  {@code services/rubis/components/rubis-db}; empty for {@code containers/CONTAINER/COMPONENT}.
 *                  The directory is the component's data: it outlives the isolate and its container.
 */
public record ComponentSpec(
        String name,
        String kind,
        List<Path> artifacts,
        Optional<String> entryClass,
        List<ServletMapping> servlets,
        List<String> arguments,
        Map<String, String> environment,
        Optional<ReplicationSpec> replication,
        int replicaPorts,
        Duration stopTimeout,
        Optional<Path> directory) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ComponentSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("component name '" + name
                    + "' is not valid: letters, digits, '.', '_' and '-', at most 64 characters");
        }
        kind = kind == null ? "java" : kind;
        artifacts = List.copyOf(artifacts);
        servlets = List.copyOf(servlets);
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
        if (entryClass.isEmpty() && servlets.isEmpty()) {
            throw new IllegalArgumentException("component '" + name + "' names neither an entry class nor a servlet");
        }
        if (replicaPorts < 0 || replicaPorts > 16) {
            throw new IllegalArgumentException("component '" + name + "': replica ports must be between 0 and 16");
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("component '" + name + "': stop timeout must not be negative");
        }
        directory.ifPresent(d -> {
            if (d.isAbsolute() || d.getNameCount() == 0 || d.toString().isEmpty() || !d.normalize().equals(d)
                    || d.startsWith("..")) {
                throw new IllegalArgumentException("component '" + name + "': directory '" + d
                        + "' must be a relative path that stays inside the host's data directory");
            }
        });
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private String kind = "java";
        private List<Path> artifacts = List.of();
        private String entryClass;
        private List<ServletMapping> servlets = List.of();
        private List<String> arguments = List.of();
        private Map<String, String> environment = Map.of();
        private ReplicationSpec replication;
        private int replicaPorts;
        private Duration stopTimeout = Duration.ofSeconds(5);
        private Path directory;

        private Builder(String name) {
            this.name = name;
        }

        public Builder kind(String kind) {
            this.kind = kind;
            return this;
        }

        public Builder artifacts(Path... paths) {
            this.artifacts = List.of(paths);
            return this;
        }

        public Builder artifacts(List<Path> paths) {
            this.artifacts = List.copyOf(paths);
            return this;
        }

        public Builder entryClass(String className) {
            this.entryClass = className;
            return this;
        }

        public Builder servlets(ServletMapping... mappings) {
            this.servlets = List.of(mappings);
            return this;
        }

        public Builder servlets(List<ServletMapping> mappings) {
            this.servlets = List.copyOf(mappings);
            return this;
        }

        public Builder arguments(String... args) {
            this.arguments = List.of(args);
            return this;
        }

        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        public Builder replication(Path tree, String configuratorClass, int ports) {
            this.replication = new ReplicationSpec(tree, configuratorClass);
            this.replicaPorts = ports;
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** Where the component's directory lives, relative to the host's data directory. */
        public Builder directory(Path relative) {
            this.directory = relative;
            return this;
        }

        public ComponentSpec build() {
            return new ComponentSpec(name, kind, artifacts, Optional.ofNullable(entryClass), servlets, arguments,
                    environment, Optional.ofNullable(replication), replicaPorts, stopTimeout, Optional.ofNullable(directory));
        }
    }
}
