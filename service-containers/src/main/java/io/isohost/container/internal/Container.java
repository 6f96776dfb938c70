package io.isohost.container.internal;

import io.isohost.container.ComponentSpec;
import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerPolicies;
import io.isohost.container.ContainerStatus;
import io.isohost.container.FileTrees;
import io.isohost.container.Isolate;
import io.isohost.container.IsolateException;
import io.isohost.container.Quota;
import io.isohost.container.RateSpec;
import io.isohost.container.ReplicaConfigurator;
import io.isohost.container.ServiceContainer;
import io.isohost.container.ServiceContainerMXBean;
import io.isohost.container.ServletMapping;
import io.isohost.container.spi.IsolateEnvironment;
import io.isohost.container.spi.IsolateKind;
import io.isohost.rm.Constraint;
import io.isohost.rm.DomainUsage;
import io.isohost.rm.Policy;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceContext;
import io.isohost.rm.ResourceDomain;
import io.isohost.rm.jmx.DomainControl;
import io.isohost.rm.jmx.DomainQuotas;
import io.isohost.rm.policy.AllocationBudgetPolicy;
import io.isohost.rm.policy.CpuGuaranteePolicy;
import io.isohost.rm.policy.CpuSharePolicy;
import io.isohost.rm.policy.MaxConcurrencyPolicy;
import io.isohost.rm.policy.RateLimitPolicy;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A service container: its resource domains and policies and, for a leaf, its endpoint and isolates. */
final class Container implements ServiceContainer, ServiceContainerMXBean {
    private static final Logger log = LoggerFactory.getLogger(Container.class);

    private final Host host;
    private final ContainerConfig config;
    private final Container parent;
    private final Path directory;
    private final Map<String, ResourceDomain> domains = new TreeMap<>();
    private final Map<String, JavaIsolate> isolates = new LinkedHashMap<>();
    private final List<Container> children = new CopyOnWriteArrayList<>();
    private final List<ObjectName> mbeans = new ArrayList<>();
    private volatile ContainerPolicies policies;
    private Server server;
    private IsolateRouter router;
    private int port;

    /** Builds the domains and policies; {@link #open} then starts the endpoint. Throws before any side effect on a bad quota. */
    Container(Host host, ContainerConfig config, Container parent) {
        this.host = host;
        this.config = config;
        this.parent = parent;
        this.policies = config.policies();
        this.directory = host.settings().dataDirectory().resolve("containers").resolve(config.name());
        for (Resource r : List.of(Resource.REQUESTS, Resource.CPU_TIME, Resource.HEAP_ALLOCATION)) {
            domains.put(r.name(), host.resources().newDomain(config.name() + "." + r.name(), r));
        }
        applyPolicies(config.policies());
    }

    @Override
    public synchronized boolean applyPolicies(ContainerPolicies want) {
        ContainerPolicies have = policies();
        if (have.equals(want)) {
            return false;
        }
        // every value is checked (by making the policy it would need) before anything changes
        Map<String, RateLimitPolicy> newRates = new LinkedHashMap<>();
        for (Map.Entry<String, RateSpec> e : want.rates().entrySet()) {
            host.resources().lookup(e.getKey()); // an unknown resource is named before anything changes
            RateSpec spec = e.getValue();
            newRates.put(e.getKey(), RateLimitPolicy.perSecond(spec.perSecond()).burst(spec.burst()).maxWait(spec.maxWait())
                    .ticker(host.resources().ticker()).build());
        }
        CpuSharePolicy newShare = want.cpuShare() == 0 ? null : CpuSharePolicy.share(want.cpuShare(), host.cpu()).build();
        MaxConcurrencyPolicy newMax = want.maxConcurrency() == 0 ? null : new MaxConcurrencyPolicy(want.maxConcurrency());
        AllocationBudgetPolicy newBudget = want.allocationBytesPerSecond() == 0 ? null
                : new AllocationBudgetPolicy(want.allocationBytesPerSecond());
        ResourceDomain cpu = domains.get(Resource.CPU_TIME.name());
        // the guarantee first: it is the one change the host may still refuse (guarantees above 100%)
        var guarantee = cpu.policy(CpuGuaranteePolicy.class);
        if (want.cpuGuarantee() != have.cpuGuarantee()) {
            if (want.cpuGuarantee() == 0) {
                guarantee.ifPresent(g -> {
                    cpu.removePolicy(g);
                    g.release();
                });
            } else if (guarantee.isPresent()) {
                guarantee.get().setFraction(want.cpuGuarantee());
            } else {
                cpu.addPolicy(new CpuGuaranteePolicy(host.cpu(), want.cpuGuarantee()));
            }
        }
        for (String r : have.rates().keySet()) {
            if (!want.rates().containsKey(r)) {
                domain(r).flatMap(d -> d.policy(RateLimitPolicy.class).map(d::removePolicy));
            }
        }
        newRates.forEach((resource, made) -> {
            RateSpec w = want.rates().get(resource);
            if (w.equals(have.rates().get(resource))) {
                return;
            }
            ResourceDomain d = domainOrCreate(resource);
            d.policy(RateLimitPolicy.class).ifPresentOrElse(p -> {
                p.setRate(w.perSecond());
                p.setBurst(w.burst());
                p.setMaxWait(w.maxWait());
            }, () -> d.addPolicy(made));
        });
        retune(cpu, CpuSharePolicy.class, have.cpuShare() != want.cpuShare(), newShare, p -> p.setShare(want.cpuShare()));
        retune(domains.get(Resource.REQUESTS.name()), MaxConcurrencyPolicy.class, have.maxConcurrency() != want.maxConcurrency(),
                newMax, p -> p.setMax(want.maxConcurrency()));
        retune(domains.get(Resource.HEAP_ALLOCATION.name()), AllocationBudgetPolicy.class,
                have.allocationBytesPerSecond() != want.allocationBytesPerSecond(), newBudget,
                p -> p.setBytesPerSecond(want.allocationBytesPerSecond()));
        return true;
    }

    /** Sets the domain's one policy of a kind ({@link ResourceDomain#setPolicy}) if its value changed. */
    private static <P extends Policy> void retune(ResourceDomain d, Class<P> kind, boolean changed, P made,
                                                  java.util.function.Consumer<P> setter) {
        if (changed) {
            d.setPolicy(kind, made, setter);
        }
    }

    @Override
    public void setQuota(Quota quota) {
        host.quotas().set(this, quota);
    }

    /** The host's own quota keeper: the change is applied at once. */
    void setQuotaNow(Quota quota) {
        synchronized (this) {
            applyPolicies(quota.applyTo(policies()));
        }
    }

    private synchronized ResourceDomain domainOrCreate(String resourceName) {
        ResourceDomain d = domains.get(resourceName);
        if (d == null) {
            d = host.resources().newDomain(config.name() + "." + resourceName, resourceName);
            domains.put(resourceName, d);
            if (!mbeans.isEmpty()) {
                registerDomainBean(d); // container already registered: a late domain joins it
            }
            for (JavaIsolate iso : isolates.values()) {
                iso.resources().bind(d);
            }
        }
        return d;
    }

    /** Starts the endpoint (leaf) and registers the MXBeans; on failure undoes what it did. */
    void open() {
        try {
            if (!config.group()) {
                startEndpoint();
            }
            registerBeans();
        } catch (RuntimeException e) {
            close(Duration.ZERO);
            throw e;
        }
    }

    private void startEndpoint() {
        router = new IsolateRouter(gate());
        IllegalStateException last = null;
        for (int candidate : host.portCandidates(config.port())) {
            var threads = new QueuedThreadPool(config.maxThreads(), 2);
            threads.setName("c-" + config.name());
            threads.setReservedThreads(0);
            threads.setIdleTimeout(30_000);
            Server s = new Server(threads);
            var connector = new ServerConnector(s, 1, 1);
            connector.setHost(host.settings().bindAddress());
            connector.setPort(candidate);
            connector.setIdleTimeout(60_000); // above the balancer's 10 s idle time, so it never sees a stale connection
            // as the balancer: long GET forms (16 KiB of request line and headers) pass
            connector.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class).getHttpConfiguration()
                    .setRequestHeaderSize(16 * 1024);
            s.addConnector(connector);
            s.setHandler(router);
            s.setStopTimeout(2_000);
            try {
                s.start();
                server = s;
                port = connector.getLocalPort();
                host.claimPort(port);
                return;
            } catch (Exception e) {
                stopQuietly(s);
                if (config.port() != 0) {
                    throw new IllegalStateException("container '" + config.name() + "': port " + candidate
                            + " on " + host.settings().bindAddress() + " is already in use", e);
                }
                last = new IllegalStateException("container '" + config.name() + "': no free port in "
                        + host.settings().firstPort() + "-" + host.settings().lastPort(), e);
            }
        }
        throw last != null ? last : new IllegalStateException("container '" + config.name() + "': no free port in "
                + host.settings().firstPort() + "-" + host.settings().lastPort());
    }

    private RequestGate gate() {
        List<ResourceDomain> requestDomains = new ArrayList<>();
        for (Container c = this; c != null; c = c.parent) {
            requestDomains.add(c.domains.get(Resource.REQUESTS.name()));
        }
        return new RequestGate(requestDomains,
                List.of(domains.get(Resource.CPU_TIME.name()), domains.get(Resource.HEAP_ALLOCATION.name())));
    }

    private void registerBeans() {
        var mbs = host.settings().mbeanServer();
        if (mbs == null) {
            return;
        }
        try {
            ObjectName name = ObjectName.getInstance("isohost:type=ServiceContainer,name=" + config.name());
            mbs.registerMBean(this, name);
            mbeans.add(name);
            for (ResourceDomain d : domains.values()) {
                registerDomainBean(d);
            }
        } catch (Exception e) {
            throw new IllegalStateException("container '" + config.name() + "': cannot register its JMX beans: " + e, e);
        }
    }

    private void registerDomainBean(ResourceDomain d) {
        var mbs = host.settings().mbeanServer();
        if (mbs == null) {
            return;
        }
        try {
            ObjectName name = ObjectName.getInstance("isohost:type=ResourceDomain,container=" + config.name()
                    + ",resource=" + d.resource().name());
            mbs.registerMBean(new DomainControl(d, quotasOf(d)), name);
            mbeans.add(name);
        } catch (Exception e) {
            throw new IllegalStateException("container '" + config.name() + "': cannot register the bean of domain "
                    + d.name() + ": " + e, e);
        }
    }

    /** A domain bean's quota writes, as the container's own quota changes: one lock, one policy set. */
    private DomainQuotas quotasOf(ResourceDomain d) {
        String resource = d.resource().name();
        return new DomainQuotas() {
            @Override
            public void setRateLimit(double perSecond) {
                setQuota(new Quota.Rate(resource, perSecond));
            }

            @Override
            public void setCpuShare(double fraction) {
                requireDomain(Resource.CPU_TIME, "a CPU share");
                setQuota(new Quota.CpuShare(fraction));
            }

            @Override
            public void setMaxConcurrency(int max) {
                requireDomain(Resource.REQUESTS, "a concurrency limit");
                setQuota(new Quota.MaxConcurrency(max));
            }

            private void requireDomain(Resource where, String what) {
                if (!resource.equals(where.name())) {
                    throw new IllegalArgumentException(what + " is set on the '" + where.name() + "' domain of container '"
                            + config.name() + "', not on '" + resource + "'");
                }
            }
        };
    }

    // ---- isolates ----

    @Override
    public Isolate install(ComponentSpec spec) throws IsolateException {
        if (config.group()) {
            throw new IsolateException("container '" + config.name() + "' is a group; only leaf containers host isolates");
        }
        IsolateKind kind = host.kind(spec.kind());
        Path dir = componentDirectory(spec);
        JavaIsolate isolate;
        synchronized (this) {
            if (isolates.containsKey(spec.name())) {
                throw new IsolateException("container '" + config.name() + "' already hosts component '" + spec.name() + "'");
            }
            checkPatternsFree(spec);
            host.claimDirectory(dir, config.name() + "/" + spec.name());
            isolates.put(spec.name(), null); // reserve the name while it starts
        }
        boolean ok = false;
        boolean fresh = isNewDirectory(dir);
        try {
            prepareDirectory(spec, dir, fresh);
            var ctx = new ResourceContext(config.name() + "/" + spec.name(), host.resources());
            synchronized (this) {
                domains.values().forEach(ctx::bind);
            }
            Isolate made = kind.create(spec, new IsolateEnvironment(config.name(), ctx, dir, server, 16));
            if (!(made instanceof JavaIsolate java)) {
                throw new IsolateException("isolate kind '" + spec.kind() + "' is not supported by this container's endpoint yet");
            }
            isolate = java;
            isolate.start();
            synchronized (this) {
                isolates.put(spec.name(), isolate);
                rebuildRoutes();
            }
            ok = true;
            log.info("container {}: started {} isolate {}", config.name(), spec.kind(), isolate.id());
            return isolate;
        } catch (IOException e) {
            throw new IsolateException("component '" + spec.name() + "': cannot prepare " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!ok) {
                synchronized (this) {
                    isolates.remove(spec.name());
                }
                host.releaseDirectory(dir);
                if (fresh) {
                    FileTrees.delete(dir); // made by this failed install; an existing directory is data and stays
                }
            }
        }
    }

    private void checkPatternsFree(ComponentSpec spec) throws IsolateException {
        for (JavaIsolate other : isolates.values()) {
            if (other == null) {
                continue;
            }
            for (ServletMapping mine : spec.servlets()) {
                for (ServletMapping theirs : other.spec().servlets()) {
                    for (String p : mine.urlPatterns()) {
                        if (theirs.urlPatterns().contains(p)) {
                            throw new IsolateException("component '" + spec.name() + "': URL pattern '" + p
                                    + "' is already served by '" + other.spec().name() + "' in container '" + config.name() + "'");
                        }
                    }
                }
            }
        }
    }

    private static boolean isNewDirectory(Path dir) throws IsolateException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new IsolateException("component directory " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Where a component's files live: its own key under the host's data directory, or this container's directory. */
    private Path componentDirectory(ComponentSpec spec) {
        return spec.directory().map(host.settings().dataDirectory()::resolve).orElseGet(() -> directory.resolve(spec.name()));
    }

    /**
     * Makes a component's directory ready. An existing directory is the component's data from an
     * earlier start and is kept as it is; a replica's tree is copied only into a new one. The
     * configurator runs before every start, since the replica's ports are chosen afresh.
     */
    private void prepareDirectory(ComponentSpec spec, Path dir, boolean fresh) throws IOException, IsolateException {
        Files.createDirectories(dir);
        if (spec.replication().isEmpty()) {
            return;
        }
        var replication = spec.replication().get();
        if (fresh) {
            if (!Files.isDirectory(replication.tree())) {
                throw new IsolateException("component '" + spec.name() + "': replication tree " + replication.tree() + " is not a directory");
            }
            FileTrees.copy(replication.tree(), dir);
        }
        if (replication.configuratorClass() == null || replication.configuratorClass().isBlank()) {
            return;
        }
        List<URL> urls = new ArrayList<>();
        for (Path p : spec.artifacts()) {
            urls.add(p.toUri().toURL());
        }
        try (var loader = new URLClassLoader("configurator:" + spec.name(), urls.toArray(URL[]::new), getClass().getClassLoader())) {
            Class<?> type;
            try {
                type = Class.forName(replication.configuratorClass(), true, loader);
            } catch (ClassNotFoundException e) {
                throw new IsolateException("component '" + spec.name() + "': configurator class '"
                        + replication.configuratorClass() + "' not found in " + spec.artifacts());
            }
            if (!ReplicaConfigurator.class.isAssignableFrom(type)) {
                throw new IsolateException("component '" + spec.name() + "': configurator class '"
                        + replication.configuratorClass() + "' does not implement " + ReplicaConfigurator.class.getName());
            }
            var configurator = type.asSubclass(ReplicaConfigurator.class).getConstructor().newInstance();
            configurator.configure(new ReplicaConfigurator.Replica(dir, config.name(), spec.name(),
                    config.name() + "/" + spec.name(), host.freePorts(spec.replicaPorts())));
        } catch (IsolateException e) {
            throw e;
        } catch (Exception e) {
            throw new IsolateException("component '" + spec.name() + "': configurator '"
                    + replication.configuratorClass() + "' failed: " + e, e);
        }
    }

    private void rebuildRoutes() {
        Map<String, IsolateRouter.Route> byPattern = new LinkedHashMap<>();
        for (JavaIsolate iso : isolates.values()) {
            if (iso == null || iso.httpHandler().isEmpty()) {
                continue;
            }
            for (ServletMapping m : iso.spec().servlets()) {
                for (String p : m.urlPatterns()) {
                    byPattern.put(p, new IsolateRouter.Route(iso, iso.httpHandler().get(), iso.resources()));
                }
            }
        }
        router.routes(byPattern);
    }

    @Override
    public boolean uninstall(String componentName, Duration grace) {
        JavaIsolate iso;
        synchronized (this) {
            iso = isolates.get(componentName);
            if (iso == null) {
                return false;
            }
            isolates.remove(componentName);
            rebuildRoutes(); // new requests no longer reach it; those in flight finish
        }
        iso.stop(grace);
        host.releaseDirectory(componentDirectory(iso.spec())); // its files stay: they are the component's data
        log.info("container {}: stopped isolate {}", config.name(), iso.id());
        return true;
    }

    @Override
    public synchronized List<Isolate> isolates() {
        return isolates.values().stream().filter(i -> i != null).map(i -> (Isolate) i).toList();
    }

    @Override
    public synchronized Optional<Isolate> isolate(String componentName) {
        return Optional.ofNullable(isolates.get(componentName));
    }

    // ---- policies ----

    @Override
    public synchronized Optional<ResourceDomain> domain(String resourceName) {
        return Optional.ofNullable(domains.get(resourceName));
    }

    @Override
    public synchronized List<ResourceDomain> domains() {
        return List.copyOf(domains.values());
    }

    @Override
    public void setRate(String resource, double perSecond) {
        setQuota(new Quota.Rate(resource, perSecond));
    }

    @Override
    public double getRate(String resource) {
        return domain(resource).flatMap(d -> d.policy(RateLimitPolicy.class)).map(RateLimitPolicy::rate).orElse(0.0);
    }

    @Override
    public void setCpuShare(double fraction) {
        setQuota(new Quota.CpuShare(fraction));
    }

    @Override
    public double getCpuShare() {
        return domains.get(Resource.CPU_TIME.name()).policy(CpuSharePolicy.class).map(CpuSharePolicy::share).orElse(0.0);
    }

    @Override
    public void setMaxConcurrency(int max) {
        setQuota(new Quota.MaxConcurrency(max));
    }

    @Override
    public int getMaxConcurrency() {
        return domains.get(Resource.REQUESTS.name()).policy(MaxConcurrencyPolicy.class).map(MaxConcurrencyPolicy::max).orElse(0);
    }

    @Override
    public synchronized ContainerPolicies policies() {
        var b = ContainerPolicies.builder();
        for (ResourceDomain d : domains()) {
            d.policy(RateLimitPolicy.class).ifPresent(p -> b.rate(d.resource().name(),
                    new RateSpec(p.rate(), p.burst(), p.maxWait())));
        }
        var cpu = domains.get(Resource.CPU_TIME.name());
        cpu.policy(CpuSharePolicy.class).ifPresent(p -> b.cpuShare(p.share()));
        cpu.policy(CpuGuaranteePolicy.class).ifPresent(p -> b.cpuGuarantee(p.fraction()));
        b.maxConcurrency(getMaxConcurrency());
        domains.get(Resource.HEAP_ALLOCATION.name()).policy(AllocationBudgetPolicy.class)
                .ifPresent(p -> b.allocationBytesPerSecond(p.bytesPerSecond()));
        return b.build();
    }

    // ---- status ----

    @Override
    public ContainerStatus status() {
        List<ContainerStatus.IsolateStatus> iso = new ArrayList<>();
        for (Isolate i : isolates()) {
            iso.add(new ContainerStatus.IsolateStatus(i.id(), i.kind(), i.state(), i.usage(),
                    i.failure().map(Throwable::toString).orElse(null)));
        }
        Map<String, DomainUsage> usage = new TreeMap<>();
        List<String> policyLines = new ArrayList<>();
        for (ResourceDomain d : domains()) {
            usage.put(d.resource().name(), d.usage());
            for (Policy p : d.policies()) {
                policyLines.add(d.resource().name() + ": " + p.describe());
            }
        }
        return new ContainerStatus(config.name(), parent == null ? null : parent.name(), !config.group(), port,
                children.stream().map(Container::name).toList(), iso, policyLines, usage);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Optional<String> parent() {
        return Optional.ofNullable(parent).map(Container::name);
    }

    @Override
    public boolean isGroup() {
        return config.group();
    }

    @Override
    public Optional<URI> endpoint() {
        return server == null ? Optional.empty()
                : Optional.of(URI.create("http://" + host.settings().bindAddress() + ":" + port + "/"));
    }

    Container parentContainer() {
        return parent;
    }

    List<Container> children() {
        return children;
    }

    // ---- MXBean ----

    @Override
    public String getName() {
        return config.name();
    }

    @Override
    public String getParent() {
        return parent == null ? "" : parent.name();
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public String[] getIsolates() {
        return isolates().stream().map(i -> i.id() + " " + i.state()).toArray(String[]::new);
    }

    @Override
    public String[] getPolicies() {
        return status().policies().toArray(String[]::new);
    }

    @Override
    public long getRequests() {
        return isolates().stream().mapToLong(i -> i.usage().requests()).sum();
    }

    @Override
    public long getErrors() {
        return isolates().stream().mapToLong(i -> i.usage().errors()).sum();
    }

    @Override
    public long getCpuTimeMillis() {
        return domains.get(Resource.CPU_TIME.name()).usage().charged() / 1_000_000;
    }

    @Override
    public long getAllocatedBytes() {
        return domains.get(Resource.HEAP_ALLOCATION.name()).usage().charged();
    }

    @Override
    public long getPolicyWaits() {
        return domains().stream().mapToLong(d -> d.usage().waits()).sum();
    }

    @Override
    public long getPolicyDenials() {
        return domains().stream().mapToLong(d -> d.usage().denials()).sum();
    }

    // ---- teardown ----

    void close(Duration grace) {
        for (String name : List.copyOf(isolates.keySet())) {
            uninstall(name, grace);
        }
        if (server != null) {
            stopQuietly(server);
            host.releasePort(port);
            server = null;
        }
        var mbs = host.settings().mbeanServer();
        for (ObjectName n : mbeans) {
            try {
                mbs.unregisterMBean(n);
            } catch (Exception e) {
                log.debug("unregister {}: {}", n, e.toString());
            }
        }
        mbeans.clear();
        for (ResourceDomain d : domains.values()) {
            for (Policy p : d.policies()) {
                if (p instanceof CpuGuaranteePolicy g) {
                    g.release();
                }
                if (p instanceof Constraint) {
                    d.removePolicy(p);
                }
            }
        }
    }

    private static void stopQuietly(Server s) {
        try {
            s.stop();
        } catch (Exception e) {
            log.debug("jetty stop: {}", e.toString());
        }
    }
}
