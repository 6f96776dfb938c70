package io.isohost.daemon.service;

import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerHost;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.ServiceContainer;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.GeneratorInput;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceContext;
import io.isohost.rm.WorkMeter;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs generators apart from the applications they place: on their own platform threads, bound to
 * a group container of their own ({@value #CONTAINER}) that holds a CPU guarantee, and under a
 * time limit. A generator that throws or overruns leaves the deployment in force as it is.
 */
final class GeneratorRunner implements AutoCloseable {
    static final String CONTAINER = "isohost-generators";

    private final ServiceContainer container;
    private final ResourceContext context;
    private final ExecutorService threads;
    private final Duration limit;

    GeneratorRunner(ContainerHost host, double cpuGuarantee, Duration limit) {
        Optional<ServiceContainer> existing = host.container(CONTAINER);
        this.container = existing.orElseGet(() -> host.create(new ContainerConfig(CONTAINER, Optional.empty(), true,
                ContainerPolicies.builder().cpuGuarantee(cpuGuarantee).build(), 0, 32)));
        this.context = new ResourceContext(CONTAINER, host.resources());
        container.domains().forEach(context::bind);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon(true)
                .name("generator-" + n.incrementAndGet()).unstarted(() -> {
                    context.attachToCurrentThread();
                    r.run();
                }));
        this.limit = limit;
    }

    Deployment generate(String service, String generatorName, DeploymentGenerator generator, GeneratorInput input)
            throws GeneratorException {
        Future<Deployment> f = threads.submit(() -> {
            var cpu = context.domain(Resource.CPU_TIME);
            cpu.ifPresent(d -> d.consume(0)); // admission: the guarantee sees the generator's demand
            WorkMeter.Sample sample = WorkMeter.start();
            try {
                return generator.generate(input);
            } finally {
                long used = sample.stop().cpuNanos();
                cpu.ifPresent(d -> d.charge(used));
            }
        });
        try {
            Deployment d = f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (d == null || !d.service().equals(service)) {
                throw new GeneratorException("generator '" + generatorName + "' returned "
                        + (d == null ? "nothing" : "a deployment of service '" + d.service() + "'") + " for '" + service + "'");
            }
            return d;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new GeneratorException("generator '" + generatorName + "' did not answer within " + limit.toMillis()
                    + " ms; the deployment in force stays");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof GeneratorException g) {
                throw g;
            }
            throw new GeneratorException("generator '" + generatorName + "' failed: " + cause
                    + "; the deployment in force stays");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GeneratorException("interrupted while generator '" + generatorName + "' ran");
        }
    }

    ServiceContainer container() {
        return container;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
