package io.isohost.container;

import java.nio.file.Path;

/**
 * How to make a replica: clone {@code tree} into the container's own directory, then run
 * {@code configuratorClass} (a {@link ReplicaConfigurator} from the component's artifacts) on the
 * copy before the isolate starts.
 */
public record ReplicationSpec(Path tree, String configuratorClass) {
}
