package io.isohost.descriptor;

import java.nio.file.Path;

/** How a replica gets its own files: clone {@code tree}, then run {@code configuratorClass} on the copy. */
public record ReplicaSetup(Path tree, String configuratorClass) {
}
