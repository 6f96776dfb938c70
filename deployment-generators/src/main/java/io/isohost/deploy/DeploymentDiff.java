package io.isohost.deploy;

import io.isohost.descriptor.ContainerShape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The steps from one deployment to another, for the deployment manager to apply mechanically.
 * Containers are matched by id. A kept container may change policies in place and start, stop or
 * re-scope component instances; added and removed containers carry all their components.
 *
 * @param addedContainers    containers to create, then start everything they host
 * @param removedContainers  containers to stop everything in, then destroy
 * @param reshaped           kept containers whose policies change
 * @param started            component instances to start in kept containers
 * @param stopped            component instances to stop in kept containers
 * @param rescoped           application-server instances in kept containers whose embedded components change
 */
public record DeploymentDiff(List<ContainerPlan> addedContainers, List<ContainerPlan> removedContainers,
                             List<Reshape> reshaped, List<Placement> started, List<Placement> stopped,
                             List<Rescope> rescoped) {

    /** A kept container's policies change from {@code from} to {@code to}. */
    public record Reshape(String container, ContainerShape from, ContainerShape to) {
    }

    /** A component instance in a container. */
    public record Placement(String container, HostedComponent component) {
    }

    /** An application-server instance that stays, activating {@code embeddedToStart} and deactivating {@code embeddedToStop}. */
    public record Rescope(String container, String component, SortedSet<String> embeddedToStart,
                          SortedSet<String> embeddedToStop) {
    }

    public DeploymentDiff {
        addedContainers = List.copyOf(addedContainers);
        removedContainers = List.copyOf(removedContainers);
        reshaped = List.copyOf(reshaped);
        started = List.copyOf(started);
        stopped = List.copyOf(stopped);
        rescoped = List.copyOf(rescoped);
    }

    public boolean isEmpty() {
        return addedContainers.isEmpty() && removedContainers.isEmpty() && reshaped.isEmpty() && started.isEmpty()
                && stopped.isEmpty() && rescoped.isEmpty();
    }

    static DeploymentDiff between(Deployment from, Deployment to) {
        List<ContainerPlan> added = new ArrayList<>();
        List<ContainerPlan> removed = new ArrayList<>();
        List<Reshape> reshaped = new ArrayList<>();
        List<Placement> started = new ArrayList<>();
        List<Placement> stopped = new ArrayList<>();
        List<Rescope> rescoped = new ArrayList<>();
        for (ContainerPlan old : from.containers()) {
            if (to.container(old.id()).isEmpty()) {
                removed.add(old);
            }
        }
        for (ContainerPlan now : to.containers()) {
            Optional<ContainerPlan> before = from.container(now.id());
            if (before.isEmpty()) {
                added.add(now);
                continue;
            }
            ContainerPlan old = before.get();
            if (!old.shape().equals(now.shape())) {
                reshaped.add(new Reshape(now.id(), old.shape(), now.shape()));
            }
            for (HostedComponent h : old.components()) {
                if (now.component(h.component()).isEmpty()) {
                    stopped.add(new Placement(now.id(), h));
                }
            }
            for (HostedComponent h : now.components()) {
                Optional<HostedComponent> had = old.component(h.component());
                if (had.isEmpty()) {
                    started.add(new Placement(now.id(), h));
                } else if (!had.get().embedded().equals(h.embedded())) {
                    SortedSet<String> start = new TreeSet<>(h.embedded());
                    start.removeAll(had.get().embedded());
                    SortedSet<String> stop = new TreeSet<>(had.get().embedded());
                    stop.removeAll(h.embedded());
                    rescoped.add(new Rescope(now.id(), h.component(), Collections.unmodifiableSortedSet(start),
                            Collections.unmodifiableSortedSet(stop)));
                }
            }
        }
        return new DeploymentDiff(added, removed, reshaped, started, stopped, rescoped);
    }
}
