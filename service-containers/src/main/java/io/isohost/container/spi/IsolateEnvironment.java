package io.isohost.container.spi;

import io.isohost.rm.ResourceContext;

import java.nio.file.Path;

/**
 * What a container gives the isolates it hosts.
 *
 * @param containerName the hosting container
 * @param resources     the context binding the container's resource domains; isolate threads carry it
 * @param directory     the component's private directory inside the container's directory
 * @param server        the container's Jetty server, which HTTP handlers must be attached to
 * @param maxThreads    how many threads the isolate's own pool may grow to
 */
public record IsolateEnvironment(String containerName, ResourceContext resources, Path directory,
                                 org.eclipse.jetty.server.Server server, int maxThreads) {
}
