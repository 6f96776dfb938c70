package io.isohost.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the command line finds a host's data directory when {@code --data} does not say:
 * {@value #VARIABLE}, then the {@code --config} file's {@code <data-directory>}, then
 * {@code ./.isohost} if it exists, then a per-user directory ({@code $XDG_STATE_HOME/isohost}, or
 * {@code ~/.isohost}). {@code start} and the verbs that talk to a host look alike, so a host started
 * without options is found from any directory.
 */
final class DataDirectoryLookup {
    static final String VARIABLE = "ISOHOST_DATA";
    static final String ORDER = "--data DIR, then $" + VARIABLE + ", then the --config file's <data-directory>, "
            + "then ./.isohost if it exists, then $XDG_STATE_HOME/isohost or ~/.isohost";

    private DataDirectoryLookup() {
    }

    /** The variable's directory, if set. */
    static Path fromEnvironment(Map<String, String> env) {
        String v = env.get(VARIABLE);
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    /** {@code ./.isohost} if it exists in {@code workingDirectory}, else the per-user directory. */
    static Path byDefault(Map<String, String> env, Path workingDirectory) {
        Path local = workingDirectory.resolve(".isohost");
        if (Files.isDirectory(local)) {
            return local;
        }
        String state = env.get("XDG_STATE_HOME");
        if (state != null && !state.isBlank()) {
            return Path.of(state, "isohost");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".isohost");
    }
}
