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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services this host runs: each with its descriptor, its generator and the deployment the
 * generator last chose. Submitting, swapping a generator and changing an allocation all end the
 * same way: ask the generator, then let the deployment manager apply the union of all services'
 * deployments. A submission that is refused (a bad descriptor or artifact, a name or URL pattern
 * another service holds, another tenant's service) or whose generator fails leaves everything as
 * it was. What a service is made of is kept in the host's {@link ServiceStore} until it is
 * {@linkplain #remove removed}.
 */
public final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);
    static final String DEFAULT_GENERATOR = "replicate-all";

    /** Service names the host keeps for itself: its own containers are named {@code isohost-...}. */
    private static final String RESERVED = "isohost";

    /** One service and how it is placed. */
    public record Service(ServiceDescriptor descriptor, String generatorName,
                          Map<String, String> parameters, DeploymentGenerator generator, Deployment deployment) {
    }

    /** What {@link #remove} did. */
    public record Removal(ApplyReport report, List<String> containers, Path deletedDirectory) {
    }

    /** The load-balancer component each service's class was loaded from, so that a changed one is loaded again. */
    private final Map<String, Optional<LoadBalancerDescriptor>> balancers = new LinkedHashMap<>();

    private final DeploymentManager manager;
    private final ContainerHost host;
    private final GeneratorRunner runner;
    private final ServiceStore store;
    private final Clock clock;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final MeterRegistry meters;
    private final javax.management.MBeanServer mbeans;

    /**
     * @param artifactRoots    directories besides a descriptor's own that its artifacts may come from
     * @param descriptorLimit  the largest descriptor accepted, in bytes
     */
    public Services(ContainerHost host, DeploymentManager manager, Path dataDirectory, Clock clock, MeterRegistry meters,
                    List<Path> artifactRoots, long descriptorLimit) {
        this.mbeans = host.settings().mbeanServer();
        this.manager = manager;
        this.host = host;
        this.runner = new GeneratorRunner(host, 0.1, Duration.ofSeconds(5));
        this.store = new ServiceStore(dataDirectory, artifactRoots, descriptorLimit);
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Re-registers the services of the previous run from the store and makes the host match their
     * last deployment in one apply. Each service takes up the deployment the previous run saved,
     * with its policies and custom resources, so what still runs is neither restarted nor retuned;
     * only a service whose descriptor no longer describes its saved containers is placed again by
     * its generator.
     */
    public synchronized void restore() throws IOException {
        DeploymentTarget saved = manager.saved().orElse(DeploymentTarget.EMPTY);
        List<String> names;
        try {
            names = store.names();
        } catch (IOException e) {
            log.warn("cannot read the services kept in {}: {}", store.directoryOf(""), e.toString());
            names = List.of();
        }
        for (String name : names) {
            restore(name, saved);
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

    private void restore(String name, DeploymentTarget saved) {
        try {
            ServiceStore.Restored r = store.load(name);
            ServiceDescriptor d = r.descriptor();
            declareResources(d);
            String gen = r.state().generator();
            Map<String, String> params = r.state().parameters();
            DeploymentGenerator g = create(Generators.load(gen), d, params);
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
            services.put(name, new Service(d, gen, params, g, deployment));
            register(name);
        } catch (DescriptorException | IOException | RuntimeException e) {
            log.warn("service {} cannot be restored from {}: {}", name, store.directoryOf(name), e.getMessage());
        }
    }

    /**
     * Parses, validates and deploys a descriptor, keeping it and copies of its artifacts in the
     * host's data directory. A submission refused for any reason registers, keeps and creates nothing.
     */
    public synchronized ApplyReport submit(Path descriptorFile) throws DescriptorException, GeneratorException, IOException {
        String source = descriptorFile.getFileName() == null ? descriptorFile.toString() : descriptorFile.getFileName().toString();
        Path directory = descriptorFile.toAbsolutePath().normalize().getParent();
        byte[] xml = store.read(descriptorFile);
        ServiceDescriptor parsed = store.parse(xml, source, directory);
        admit(parsed, source);
        ServiceStore.Staged staged = store.stage(parsed, directory, source);
        boolean kept = false;
        try {
            ServiceDescriptor d = staged.descriptor();
            Service old = services.get(d.name());
            String gen = d.generator().map(GeneratorChoice::name).orElse(DEFAULT_GENERATOR);
            Map<String, String> params = d.generator().map(GeneratorChoice::parameters).orElse(Map.of());
            DeploymentGenerator g = create(Generators.load(gen), d, params);
            Deployment current = old == null ? Deployment.empty(d.name()) : old.deployment();
            Deployment next = runner.generate(d.name(), gen, g, new GeneratorInput(d, PerformanceData.NONE, current, clock.instant(), false));
            Service s = new Service(d, gen, params, g, next);
            checkContainers(s);
            checkCapacity(targets(s));
            declareResources(d);
            staged.keep(xml, directory);
            kept = true;
            return commit(s, "submit");
        } finally {
            if (kept) {
                staged.dropOthers(); // the previous version's isolates are replaced by now
            } else {
                staged.discard();
            }
        }
    }

    /** Whether a service or container name is the host's own ({@code isohost}, {@code isohost-...}). */
    public static boolean reserved(String name) {
        return name.equals(RESERVED) || name.startsWith(RESERVED + "-");
    }

    /**
     * Refuses a descriptor that cannot run beside the services in force: a reserved name, another
     * tenant's service of the same name, a URL pattern another service claims, or container ids
     * another service's could meet.
     */
    private void admit(ServiceDescriptor d, String source) throws DescriptorException {
        List<String> problems = new ArrayList<>();
        if (reserved(d.name())) {
            problems.add("service name '" + d.name() + "' is reserved for the host's own containers (" + RESERVED + "-...)");
        }
        // a kind the host lacks would be accepted here and then fail every later deployment
        var kinds = host.kinds();
        d.components().stream().filter(c -> !kinds.contains(c.kind())).forEach(c -> problems.add("component '"
                + c.name() + "' asks for isolate kind '" + c.kind() + "', which this host cannot run (it has: "
                + String.join(", ", new java.util.TreeSet<>(kinds)) + ")"));
        Service same = services.get(d.name());
        if (same != null && !same.descriptor().tenant().equals(d.tenant())) {
            problems.add("service '" + d.name() + "' belongs to tenant '" + same.descriptor().tenant() + "'; tenant '"
                    + d.tenant() + "' cannot replace it (the operator may remove it first: isohost remove " + d.name() + ")");
        }
        Map<String, String> mine = d.urlPatterns();
        for (Service other : services.values()) {
            if (other.descriptor().name().equals(d.name())) {
                continue;
            }
            mine.keySet().stream().flatMap(p -> other.descriptor().urlPatterns().keySet().stream()
                            .filter(q -> UrlSpace.overlap(p, q)).map(q -> p.equals(q)
                                    ? "URL pattern '" + p + "' of service '" + d.name() + "' is already claimed by service '"
                                            + other.descriptor().name() + "'"
                                    : "URL pattern '" + p + "' of service '" + d.name() + "' overlaps '" + q
                                            + "' of service '" + other.descriptor().name() + "'; two services' URL spaces may not nest"))
                    .findFirst().ifPresent(problems::add);
            io.isohost.deploy.ContainerIds.collision(d, other.descriptor()).ifPresent(id ->
                    problems.add("service '" + d.name() + "' and service '" + other.descriptor().name()
                            + "' could both name a container '" + id + "'; rename the service or the component"));
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems.stream()
                    .map(m -> new io.isohost.descriptor.DescriptorProblem(source, 0, 0, m)).toList());
        }
    }

    /** Refuses a deployment naming a container that is another service's or not a service's at all (the host's own, or made by hand). */
    private void checkContainers(Service s) {
        String name = s.descriptor().name();
        for (io.isohost.deploy.ContainerPlan plan : s.deployment().containers()) {
            for (Service other : services.values()) {
                if (!other.descriptor().name().equals(name) && other.deployment().container(plan.id()).isPresent()) {
                    throw new IllegalArgumentException("service '" + name + "' would use container '" + plan.id()
                            + "', which is service '" + other.descriptor().name() + "'s; nothing was changed");
                }
            }
            var owner = manager.current().byName().get(plan.id());
            boolean ours = owner != null && owner.service().equals(name);
            if (!ours && host.container(plan.id()).isPresent()) {
                throw new IllegalArgumentException("service '" + name + "' would use container '" + plan.id()
                        + "', which exists and is not the service's; nothing was changed");
            }
        }
    }

    /**
     * Removes a service: its containers are destroyed, and its kept descriptor, artifact copies and
     * components' directories (its data) are deleted.
     */
    public synchronized Removal remove(String name) throws IOException {
        Service s = require(name);
        Map<String, Service> rest = new LinkedHashMap<>(services);
        rest.remove(name);
        List<ContainerTarget> containers = new ArrayList<>();
        rest.values().forEach(each -> containers.addAll(targets(each)));
        List<String> gone = s.deployment().containers().stream().map(io.isohost.deploy.ContainerPlan::id).toList();
        services.remove(name);
        unregister(name);
        ApplyReport report;
        try {
            report = manager.apply(new DeploymentTarget(manager.current().version() + 1, containers));
        } finally {
            if (balancers.remove(name) != null) {
                manager.balancer().unbind(name);
            }
            store.delete(name);
        }
        log.info("service {} removed: containers {} destroyed, {} deleted", name, gone, store.directoryOf(name));
        meters.counter("isohost_deployment_changes", "service", name).increment();
        return new Removal(report, gone, store.directoryOf(name));
    }

    private static List<ContainerTarget> targets(Service s) {
        return DeploymentMapping.targets(s.descriptor(), s.deployment());
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
        return commit(new Service(s.descriptor(), store.keepGenerator(service, nameOrJar), Map.copyOf(parameters), g, next), "swap");
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
        return commit(new Service(d, s.generatorName(), s.parameters(), s.generator(), next), "allocate");
    }

    /** Asks a service's generator again with fresh performance data, as the periodic loop does. */
    public synchronized ApplyReport regenerate(String service, PerformanceData performance) throws GeneratorException, IOException {
        Service s = require(service);
        Deployment next = runner.generate(service, s.generatorName(), s.generator(),
                new GeneratorInput(s.descriptor(), performance, s.deployment(), clock.instant(), false));
        if (next.equals(s.deployment())) {
            return new ApplyReport(manager.current().version(), List.of(), List.of(), List.of(), List.of(), List.of(), 0);
        }
        return commit(new Service(s.descriptor(), s.generatorName(), s.parameters(), s.generator(), next), "regenerate");
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
        checkContainers(s); // an allocate or a swap may name new containers too
        Map<String, Service> next = new LinkedHashMap<>(services);
        next.put(s.descriptor().name(), s);
        List<ContainerTarget> containers = new ArrayList<>();
        for (Service each : next.values()) {
            containers.addAll(targets(each));
        }
        checkCapacity(containers);
        bindBalancer(s);
        if (services.put(s.descriptor().name(), s) == null) {
            register(s.descriptor().name());
        }
        store.saveState(s.descriptor().name(), new ServiceStore.State(s.generatorName(), s.descriptor().allocation().total(),
                s.parameters()));
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

    private void unregister(String name) {
        if (mbeans == null) {
            return;
        }
        try {
            mbeans.unregisterMBean(javax.management.ObjectName.getInstance("isohost:type=Service,name=" + name));
        } catch (javax.management.JMException ignored) {
            // not registered
        }
    }

    @Override
    public void close() {
        services.keySet().forEach(this::unregister);
        runner.close();
    }
}
