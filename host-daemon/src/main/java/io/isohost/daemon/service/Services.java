package io.isohost.daemon.service;

import io.isohost.daemon.deploy.ApplyReport;
import io.isohost.daemon.deploy.ContainerTarget;
import io.isohost.daemon.deploy.DeploymentManager;
import io.isohost.daemon.deploy.DeploymentTarget;
import io.isohost.deploy.Deployment;
import io.isohost.deploy.DeploymentGenerator;
import io.isohost.deploy.DeploymentGeneratorProvider;
import io.isohost.deploy.GeneratorException;
import io.isohost.deploy.GeneratorInput;
import io.isohost.deploy.GeneratorSettings;
import io.isohost.deploy.Generators;
import io.isohost.deploy.PerformanceData;
import io.isohost.descriptor.DescriptorException;
import io.isohost.descriptor.DescriptorParser;
import io.isohost.descriptor.GeneratorChoice;
import io.isohost.descriptor.ServiceDescriptor;
import io.isohost.container.ContainerHost;
import io.isohost.container.LoadBalancerConfigurator;
import io.isohost.descriptor.LoadBalancerDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The services this host runs: each with its descriptor, its generator and the deployment the
 * generator last chose. Submitting, swapping a generator and changing an allocation all end the
 * same way: ask the generator, then let the deployment manager apply the union of all services'
 * deployments. A generator that fails leaves everything as it was.
 */
public final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);
    static final String DEFAULT_GENERATOR = "replicate-all";

    /** One service and how it is placed. */
    public record Service(ServiceDescriptor descriptor, Path descriptorFile, String generatorName,
                          Map<String, String> parameters, DeploymentGenerator generator, Deployment deployment) {
    }

    /** The load-balancer component each service's class was loaded from, so that a changed one is loaded again. */
    private final Map<String, Optional<LoadBalancerDescriptor>> balancers = new LinkedHashMap<>();

    private final DeploymentManager manager;
    private final ContainerHost host;
    private final GeneratorRunner runner;
    private final Path stateDirectory;
    private final Clock clock;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final MeterRegistry meters;
    private final javax.management.MBeanServer mbeans;

    public Services(ContainerHost host, DeploymentManager manager, Path dataDirectory, Clock clock, MeterRegistry meters) {
        this.mbeans = host.settings().mbeanServer();
        this.manager = manager;
        this.host = host;
        this.runner = new GeneratorRunner(host, 0.1, Duration.ofSeconds(5));
        this.stateDirectory = dataDirectory.resolve("services");
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Re-registers the services of the previous run and makes the host match their last deployment
     * in one apply. Each service takes up the deployment the previous run saved, with its policies
     * and custom resources, so what still runs is neither restarted nor retuned; only a service
     * whose descriptor no longer describes its saved containers is placed again by its generator.
     */
    public synchronized void restore() throws IOException {
        DeploymentTarget saved = manager.saved().orElse(DeploymentTarget.EMPTY);
        if (Files.isDirectory(stateDirectory)) {
            try (var files = Files.list(stateDirectory)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                    restore(p, saved);
                }
            } catch (IOException e) {
                log.warn("cannot read service state in {}: {}", stateDirectory, e.toString());
            }
        }
        // containers of no restored service (a target put by hand, a service that cannot be restored) stay as saved
        List<ContainerTarget> containers = new ArrayList<>(saved.containers().stream()
                .filter(t -> !services.containsKey(t.service())).toList());
        for (Service each : services.values()) {
            containers.addAll(DeploymentMapping.targets(each.descriptor(), each.deployment()));
        }
        if (containers.isEmpty() && saved.containers().isEmpty()) {
            return;
        }
        services.values().forEach(this::bindBalancer);
        DeploymentTarget next = new DeploymentTarget(saved.version() + 1, containers);
        try {
            manager.apply(next.byName().equals(saved.byName()) ? saved : next);
        } catch (DeploymentManager.DeploymentException e) {
            log.warn("restored deployment with failures: {}", e.getMessage());
        }
    }

    private void restore(Path state, DeploymentTarget saved) throws IOException {
        Properties props = new Properties();
        try (var in = Files.newInputStream(state)) {
            props.load(in);
        }
        try {
            ServiceDescriptor d = DescriptorParser.parse(Path.of(props.getProperty("descriptor")));
            int total = Integer.parseInt(props.getProperty("allocation", Integer.toString(d.allocation().total())));
            d = d.withAllocation(d.allocation().withTotal(total));
            declareResources(d);
            Map<String, String> params = new LinkedHashMap<>();
            props.stringPropertyNames().stream().filter(k -> k.startsWith("parameter."))
                    .forEach(k -> params.put(k.substring(10), props.getProperty(k)));
            String gen = props.getProperty("generator", DEFAULT_GENERATOR);
            DeploymentGenerator g = create(Generators.load(gen), d, params);
            String name = d.name();
            List<ContainerTarget> own = saved.containers().stream().filter(t -> t.service().equals(name)).toList();
            Optional<Deployment> last = DeploymentMapping.fromTargets(d, own);
            Deployment deployment;
            if (last.isPresent()) {
                deployment = last.get();
            } else {
                log.info("service {}: its descriptor changed since its last deployment; its generator places it again", name);
                deployment = runner.generate(name, gen, g, new GeneratorInput(d, PerformanceData.NONE, Deployment.empty(name),
                        clock.instant(), false));
            }
            services.put(name, new Service(d, Path.of(props.getProperty("descriptor")), gen, params, g, deployment));
            register(name);
        } catch (DescriptorException | RuntimeException e) {
            log.warn("service state {} cannot be restored: {}", state, e.getMessage());
        }
    }

    /** Parses, validates and deploys a descriptor; a bad one changes nothing. */
    public synchronized ApplyReport submit(Path descriptorFile) throws DescriptorException, GeneratorException, IOException {
        ServiceDescriptor d = DescriptorParser.parse(descriptorFile);
        declareResources(d);
        Service old = services.get(d.name());
        String gen = d.generator().map(GeneratorChoice::name).orElse(DEFAULT_GENERATOR);
        Map<String, String> params = d.generator().map(GeneratorChoice::parameters).orElse(Map.of());
        DeploymentGenerator g = create(Generators.load(gen), d, params);
        Deployment current = old == null ? Deployment.empty(d.name()) : old.deployment();
        Deployment next = runner.generate(d.name(), gen, g, new GeneratorInput(d, PerformanceData.NONE, current, clock.instant(), false));
        Service s = new Service(d, descriptorFile.toAbsolutePath(), gen, params, g, next);
        return commit(s, "submit");
    }

    /**
     * Replaces a service's generator while it runs. The new one is created and asked for a
     * deployment first; only if that succeeds does it become the service's generator, at once.
     */
    public synchronized ApplyReport swapGenerator(String service, String nameOrJar, Map<String, String> parameters)
            throws GeneratorException, IOException {
        Service s = require(service);
        DeploymentGenerator g = create(Generators.load(nameOrJar), s.descriptor(), parameters);
        Deployment next = runner.generate(service, nameOrJar, g,
                new GeneratorInput(s.descriptor(), PerformanceData.NONE, s.deployment(), clock.instant(), false));
        log.info("service {}: generator {} replaces {}", service, nameOrJar, s.generatorName());
        return commit(new Service(s.descriptor(), s.descriptorFile(), nameOrJar, Map.copyOf(parameters), g, next), "swap");
    }

    /** Changes how many containers a service may use; its generator decides what to do with them. */
    public synchronized ApplyReport allocate(String service, int containers) throws GeneratorException, IOException {
        if (containers < 0 || containers > 1000) {
            throw new IllegalArgumentException("an allocation is between 0 and 1000 containers: " + containers);
        }
        Service s = require(service);
        ServiceDescriptor d = s.descriptor().withAllocation(s.descriptor().allocation().withTotal(containers));
        Deployment next = runner.generate(service, s.generatorName(), s.generator(),
                new GeneratorInput(d, PerformanceData.NONE, s.deployment(), clock.instant(), false));
        return commit(new Service(d, s.descriptorFile(), s.generatorName(), s.parameters(), s.generator(), next), "allocate");
    }

    /** Asks a service's generator again with fresh performance data, as the periodic loop does. */
    public synchronized ApplyReport regenerate(String service, PerformanceData performance) throws GeneratorException, IOException {
        Service s = require(service);
        Deployment next = runner.generate(service, s.generatorName(), s.generator(),
                new GeneratorInput(s.descriptor(), performance, s.deployment(), clock.instant(), false));
        if (next.equals(s.deployment())) {
            return new ApplyReport(manager.current().version(), List.of(), List.of(), List.of(), List.of(), List.of(), 0);
        }
        return commit(new Service(s.descriptor(), s.descriptorFile(), s.generatorName(), s.parameters(), s.generator(), next),
                "regenerate");
    }

    public synchronized Optional<Service> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public synchronized List<Service> list() {
        return List.copyOf(services.values());
    }

    private Service require(String name) {
        Service s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no service named '" + name + "'; submitted: " + String.join(", ", services.keySet()));
        }
        return s;
    }

    private DeploymentGenerator create(DeploymentGeneratorProvider provider, ServiceDescriptor d, Map<String, String> params) {
        return provider.create(GeneratorSettings.of(d, params));
    }

    /** What the service's generator (or another, by name or jar) would deploy now; nothing is applied. */
    public synchronized Deployment dryRun(String service, Optional<String> generator) {
        Service s = require(service);
        DeploymentGenerator g = generator.map(name -> create(Generators.load(name), s.descriptor(), Map.of()))
                .orElse(s.generator());
        return runner.generate(service, generator.orElse(s.generatorName()), g,
                new GeneratorInput(s.descriptor(), PerformanceData.NONE, s.deployment(), clock.instant(), true));
    }

    private ApplyReport commit(Service s, String why) throws IOException {
        Map<String, Service> next = new LinkedHashMap<>(services);
        next.put(s.descriptor().name(), s);
        List<ContainerTarget> containers = new ArrayList<>();
        for (Service each : next.values()) {
            containers.addAll(DeploymentMapping.targets(each.descriptor(), each.deployment()));
        }
        checkCapacity(containers);
        bindBalancer(s);
        if (services.put(s.descriptor().name(), s) == null) {
            register(s.descriptor().name());
        }
        save(s);
        meters.counter("isohost_generator_decisions", "service", s.descriptor().name(), "generator", s.generatorName(),
                "reason", why).increment();
        ApplyReport report = manager.apply(new DeploymentTarget(manager.current().version() + 1, containers));
        if (!report.changedNothing()) {
            meters.counter("isohost_deployment_changes", "service", s.descriptor().name()).increment();
        }
        return report;
    }

    /**
     * Refuses, before anything changes, a deployment this host cannot hold: more leaf containers
     * than its port range has ports, or CPU guarantees adding up to more than the host.
     */
    private void checkCapacity(List<ContainerTarget> wanted) {
        var settings = host.settings();
        int ports = settings.lastPort() - settings.firstPort() + 1;
        long others = host.containers().stream().filter(c -> !c.isGroup())
                .filter(c -> wanted.stream().noneMatch(t -> t.name().equals(c.name())))
                .filter(c -> manager.current().byName().get(c.name()) == null).count();
        if (wanted.size() + others > ports) {
            throw new IllegalArgumentException("this host cannot hold " + wanted.size() + " containers: its port range "
                    + settings.firstPort() + "-" + settings.lastPort() + " has room for " + (ports - others) + "; nothing was changed");
        }
        double guaranteed = wanted.stream().mapToDouble(t -> t.policies().cpuGuarantee()).sum()
                + host.containers().stream().filter(c -> wanted.stream().noneMatch(t -> t.name().equals(c.name())))
                .mapToDouble(c -> c.policies().cpuGuarantee()).sum();
        if (guaranteed > 1.0 + 1e-9) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "CPU guarantees would add up to %.0f%% of this host; nothing was changed", guaranteed * 100));
        }
    }

    /**
     * Binds a service to the host's balancer with its tenant and its own load-balancer class (loaded
     * from the class's artifacts), before its deployment is applied, so the class hears of every replica.
     */
    private void bindBalancer(Service s) {
        String name = s.descriptor().name();
        Optional<LoadBalancerDescriptor> lb = s.descriptor().loadBalancer();
        if (balancers.containsKey(name) && balancers.get(name).equals(lb)) {
            return;
        }
        balancers.put(name, lb);
        manager.balancer().bind(name, s.descriptor().tenant(), lb.map(Services::configurator).orElse(null));
    }

    /** A service's load-balancer class, or null (logged) if it cannot be used; it never stops a deployment. */
    private static LoadBalancerConfigurator configurator(LoadBalancerDescriptor d) {
        try {
            URL[] urls = new URL[d.artifacts().size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = d.artifacts().get(i).toUri().toURL();
            }
            var loader = new URLClassLoader("lb:" + d.name(), urls, Services.class.getClassLoader());
            Class<?> type = Class.forName(d.configurationClass(), true, loader);
            return type.asSubclass(LoadBalancerConfigurator.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError | IOException e) {
            log.warn("load balancer '{}': configuration class '{}' cannot be used: {}", d.name(), d.configurationClass(), e.toString());
            return null;
        }
    }

    /**
     * Registers the custom resources a service names (its shapes' rates, what its components
     * consume), such as {@code rubis.tx}, so that a tenant need not ask the operator first.
     */
    private void declareResources(ServiceDescriptor d) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        d.shapes().values().forEach(sh -> names.addAll(sh.rates().keySet()));
        d.components().forEach(c -> names.addAll(c.consumes().keySet()));
        d.embeddedComponents().forEach(e -> names.addAll(e.consumes().keySet()));
        names.forEach(host.resources()::registerCounted); // an existing resource is left as it is
    }

    private void register(String name) {
        if (mbeans == null) {
            return;
        }
        try {
            var objectName = javax.management.ObjectName.getInstance("isohost:type=Service,name=" + name);
            if (!mbeans.isRegistered(objectName)) {
                mbeans.registerMBean(new ServiceControl(this, name), objectName);
            }
        } catch (javax.management.JMException e) {
            log.warn("service {}: no JMX bean: {}", name, e.toString());
        }
    }

    private void save(Service s) throws IOException {
        Files.createDirectories(stateDirectory);
        Properties p = new Properties();
        p.setProperty("descriptor", s.descriptorFile().toString());
        p.setProperty("generator", s.generatorName());
        p.setProperty("allocation", Integer.toString(s.descriptor().allocation().total()));
        s.parameters().forEach((k, v) -> p.setProperty("parameter." + k, v));
        Path tmp = stateDirectory.resolve(s.descriptor().name() + ".properties.tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "isohost service " + s.descriptor().name());
        }
        Files.move(tmp, stateDirectory.resolve(s.descriptor().name() + ".properties"),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        if (mbeans != null) {
            for (String name : services.keySet()) {
                try {
                    mbeans.unregisterMBean(javax.management.ObjectName.getInstance("isohost:type=Service,name=" + name));
                } catch (javax.management.JMException ignored) {
                    // not registered
                }
            }
        }
        runner.close();
    }
}
