package io.isohost.daemon.service;

import io.isohost.deploy.ContainerPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The JMX face of one service; every write goes through {@link Services} like the CLI's. */
final class ServiceControl implements ServiceMXBean {
    private final Services services;
    private final String name;

    ServiceControl(Services services, String name) {
        this.services = services;
        this.name = name;
    }

    private Services.Service service() {
        return services.service(name).orElseThrow(() -> new IllegalStateException("service '" + name + "' is gone"));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getTenant() {
        return service().descriptor().tenant();
    }

    @Override
    public String getGenerator() {
        return service().generatorName();
    }

    @Override
    public int getAllocatedContainers() {
        return service().descriptor().allocation().total();
    }

    @Override
    public void setAllocatedContainers(int containers) {
        try {
            services.allocate(name, containers);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public String[] getContainers() {
        return service().deployment().containers().stream().map(ContainerPlan::id).toArray(String[]::new);
    }

    @Override
    public void swapGenerator(String nameOrJar) {
        try {
            services.swapGenerator(name, nameOrJar, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
