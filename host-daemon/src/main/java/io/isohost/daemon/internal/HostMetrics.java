package io.isohost.daemon.internal;

import io.isohost.container.ContainerHost;
import io.isohost.container.ServiceContainer;
import io.isohost.rm.ResourceDomain;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's metrics in Prometheus form: per container and resource domain (usage, policy waits
 * and denials), the host's CPU and memory from OSHI, and the JVM's own. Containers come and go, so
 * their meters are added and removed on each scrape.
 */
public final class HostMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ContainerHost host;
    private final Map<String, List<Meter>> byContainer = new HashMap<>();
    private final CentralProcessor cpu;
    private long[] lastTicks;
    private volatile double cpuLoad;

    public HostMetrics(ContainerHost host) {
        this.host = host;
        SystemInfo system = new SystemInfo();
        this.cpu = system.getHardware().getProcessor();
        GlobalMemory memory = system.getHardware().getMemory();
        this.lastTicks = cpu.getSystemCpuLoadTicks();
        Gauge.builder("isohost_host_cpu_load", this, HostMetrics::sampleCpuLoad)
                .description("Host CPU busy fraction (0-1) since the previous scrape, from OSHI").register(registry);
        Gauge.builder("isohost_host_memory_total_bytes", memory, GlobalMemory::getTotal)
                .description("Host physical memory").baseUnit("bytes").register(registry);
        Gauge.builder("isohost_host_memory_available_bytes", memory, GlobalMemory::getAvailable)
                .description("Host memory available to new work").baseUnit("bytes").register(registry);
        Gauge.builder("isohost_host_cores", cpu, CentralProcessor::getLogicalProcessorCount)
                .description("Logical processors of the host").register(registry);
        Gauge.builder("isohost_containers", host, h -> h.containers().size())
                .description("Service containers on this host").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Removes the GC notification listeners it added to the JVM's collectors. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private synchronized double sampleCpuLoad() {
        long[] now = cpu.getSystemCpuLoadTicks();
        double load = cpu.getSystemCpuLoadBetweenTicks(lastTicks);
        lastTicks = now;
        if (!Double.isNaN(load) && load >= 0) {
            cpuLoad = load;
        }
        return cpuLoad;
    }

    /** The Prometheus text exposition, with container meters brought up to date. */
    public synchronized String scrape() {
        Set<String> present = new HashSet<>();
        for (ServiceContainer c : host.containers()) {
            present.add(c.name());
            if (!byContainer.containsKey(c.name())) {
                byContainer.put(c.name(), meters(c));
            }
        }
        byContainer.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        return registry.scrape();
    }

    private List<Meter> meters(ServiceContainer c) {
        List<Meter> meters = new ArrayList<>();
        Tags tags = Tags.of("container", c.name());
        meters.add(FunctionCounter.builder("isohost_container_requests", c,
                        x -> x.isolates().stream().mapToLong(i -> i.usage().requests()).sum())
                .description("Requests answered by the container's isolates").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("isohost_container_errors", c,
                        x -> x.isolates().stream().mapToLong(i -> i.usage().errors()).sum())
                .description("Failed requests and escaped exceptions in the container's isolates").tags(tags).register(registry));
        meters.add(Gauge.builder("isohost_container_isolates", c, x -> x.isolates().size())
                .description("Isolates in the container").tags(tags).register(registry));
        for (ResourceDomain d : c.domains()) {
            Tags dt = tags.and("resource", d.resource().name());
            meters.add(FunctionCounter.builder("isohost_resource_consumed", d,
                            x -> x.usage().consumed() + x.usage().charged())
                    .description("Quantity consumed in the domain, in the resource's unit").tags(dt).register(registry));
            meters.add(FunctionCounter.builder("isohost_policy_waits", d, x -> x.usage().waits())
                    .description("Consumes that waited for a policy").tags(dt).register(registry));
            meters.add(FunctionCounter.builder("isohost_policy_denials", d, x -> x.usage().denials())
                    .description("Consumes refused by a policy").tags(dt).register(registry));
            meters.add(FunctionCounter.builder("isohost_policy_wait_seconds", d, x -> x.usage().waitMillis() / 1000.0)
                    .description("Time spent waiting for policies").tags(dt).register(registry));
        }
        return meters;
    }
}
