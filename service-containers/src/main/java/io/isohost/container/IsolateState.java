package io.isohost.container;

/** Where an isolate is in its life. */
public enum IsolateState {
    CREATED, STARTING, RUNNING, STOPPING, STOPPED, FAILED
}
