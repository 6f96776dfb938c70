package io.isohost.daemon.service;

/** A submitted service in JMX, as {@code isohost:type=Service,name=NAME}. */
public interface ServiceMXBean {
    String getName();

    String getTenant();

    String getGenerator();

    /** The service's container allocation; writing it is {@code isohost allocate}. */
    int getAllocatedContainers();

    void setAllocatedContainers(int containers);

    String[] getContainers();

    /** Replaces the generator (a built-in name or a jar path) while the service runs. */
    void swapGenerator(String nameOrJar);
}
