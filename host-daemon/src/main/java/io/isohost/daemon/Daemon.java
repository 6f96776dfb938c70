package io.isohost.daemon;

import io.isohost.container.ContainerHost;
import io.isohost.container.HostSettings;
import io.isohost.daemon.internal.AdminApi;
import io.isohost.daemon.internal.AdminToken;
import io.isohost.daemon.internal.JmxAgent;
import io.isohost.daemon.internal.HostMetrics;
import io.isohost.daemon.internal.BalancerRoutes;
import io.isohost.lb.BalancerConfig;
import io.isohost.lb.LoadBalancer;
import io.isohost.daemon.service.PerformanceLoop;
import io.isohost.daemon.service.Services;
import io.isohost.daemon.deploy.DeploymentManager;
import io.isohost.daemon.deploy.TargetStore;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.policy.CpuArbiter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A running isohost host: its containers, the remote JMX connector and the admin HTTP API. Start
 * one with {@link #start(DaemonSettings)}; a failed start leaves nothing listening.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final DaemonSettings settings;
    private final ContainerHost containers;
    private final JmxAgent jmx;
    private final Server admin;
    private final String token;
    private final DeploymentManager deployments;
    private final HostMetrics metrics;
    private Services services;
    private LoadBalancer balancer;
    private PerformanceLoop performance;
    private io.isohost.daemon.internal.BalancerContainer balancerContainer;
    private io.isohost.cache.TriadServer triad;
    /** The share of the host's CPU the balancer's own container is guaranteed. */
    static final double BALANCER_CPU_GUARANTEE = 0.1;
    /** How often generators are asked again with the latest measurements. */
    static final Duration PERFORMANCE_PERIOD = Duration.ofSeconds(10);
    private final java.util.concurrent.ScheduledExecutorService ticker =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true)
                    .name("isohost-performance").unstarted(r));
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Daemon(DaemonSettings settings, ContainerHost containers, JmxAgent jmx, Server admin, String token) {
        this.settings = settings;
        this.containers = containers;
        this.jmx = jmx;
        this.admin = admin;
        this.token = token;
        this.deployments = new DeploymentManager(containers, new TargetStore(settings.dataDirectory()), Duration.ofSeconds(5));
        containers.keepQuotasWith(deployments); // operators' quota changes are desired state, kept by the manager
        this.metrics = new HostMetrics(containers);
    }

    public static Daemon start(DaemonSettings settings) throws IOException {
        return start(new HostConfig(settings, java.util.List.of(), java.util.List.of()), ManagementFactory.getPlatformMBeanServer());
    }

    public static Daemon start(HostConfig config) throws IOException {
        return start(config, ManagementFactory.getPlatformMBeanServer());
    }

    public static Daemon start(DaemonSettings settings, MBeanServer mbeans) throws IOException {
        return start(new HostConfig(settings, java.util.List.of(), java.util.List.of()), mbeans);
    }

    /** Starts a host; custom resources are registered before anything listens, so a bad one starts nothing. */
    public static Daemon start(HostConfig config, MBeanServer mbeans) throws IOException {
        DaemonSettings settings = config.settings();
        var registry = new ResourceRegistry();
        config.resources().forEach(registry::registerCounted);
        for (String definition : config.resourceDefinitions()) {
            registry.registerFrom(definition, Daemon.class.getClassLoader());
        }
        String token = AdminToken.loadOrCreate(settings.dataDirectory());
        var hostSettings = new HostSettings(settings.dataDirectory(), settings.bindAddress(),
                settings.firstContainerPort(), settings.lastContainerPort(), mbeans);
        ContainerHost containers = ContainerHost.create(hostSettings, registry, new CpuArbiter());
        JmxAgent jmx = null;
        Server admin = null;
        io.isohost.cache.TriadServer triad = null;
        try {
            jmx = new JmxAgent(mbeans, settings.bindAddress(), settings.jmxPort());
            admin = new Server(new QueuedThreadPool(16, 2));
            var connector = new ServerConnector(admin, 1, 1);
            connector.setHost(settings.bindAddress());
            connector.setPort(settings.adminPort());
            admin.addConnector(connector);
            Daemon daemon = new Daemon(settings, containers, jmx, admin, token);
            admin.setHandler(new AdminApi(daemon));
            try {
                admin.start();
            } catch (Exception e) {
                throw new IOException("admin port " + settings.adminPort() + " on " + settings.bindAddress()
                        + " is already in use or cannot be opened: " + e.getMessage(), e);
            }
            if (config.triad().isPresent()) {
                try {
                    triad = io.isohost.cache.TriadServer.start(io.isohost.cache.TriadConfig.load(config.triad().get()));
                    daemon.triad = triad;
                } catch (RuntimeException e) {
                    throw new IOException("the embedded triad server (" + config.triad().get() + ") cannot start: " + e.getMessage(), e);
                }
            }
            var choosers = new io.isohost.daemon.service.ServiceChoosers();
            if (settings.routerPort() != 0) {
                var own = new io.isohost.daemon.internal.BalancerContainer(containers, BALANCER_CPU_GUARANTEE);
                daemon.balancer = LoadBalancer.start(settings.bindAddress(), settings.routerPort(), config.balancer(),
                        java.util.Optional.of(choosers), daemon.metrics.registry(), own);
                daemon.balancerContainer = own;
                daemon.ticker.scheduleAtFixedRate(own::charge, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
                // a route's tenant (for queue shares) is its service's, known once services exist
                daemon.deployments.addRouteListener(new BalancerRoutes(daemon.balancer,
                        service -> daemon.services == null ? "" : daemon.services.tenantOf(service)));
            }
            daemon.services = new Services(containers, daemon.deployments, settings.dataDirectory(), Clock.systemUTC(),
                    daemon.metrics.registry(), choosers);
            daemon.services.restore(); // the previous run's deployment, applied once, with the balancer listening
            daemon.performance = new PerformanceLoop(daemon.services, containers, daemon.balancer);
            daemon.ticker.scheduleAtFixedRate(() -> daemon.performance.tick(), PERFORMANCE_PERIOD.toMillis(),
                    PERFORMANCE_PERIOD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            log.info("isohost host ready: admin {} , JMX {}", daemon.adminUri(), jmx.url());
            return daemon;
        } catch (IOException | RuntimeException e) {
            if (triad != null) {
                triad.close();
            }
            if (admin != null) {
                try {
                    admin.stop();
                } catch (Exception ignored) {
                    // failed start: nothing to keep
                }
            }
            if (jmx != null) {
                jmx.close();
            }
            containers.close();
            throw e;
        }
    }

    public DaemonSettings settings() {
        return settings;
    }

    public ContainerHost containers() {
        return containers;
    }

    public DeploymentManager deployments() {
        return deployments;
    }

    public Services services() {
        return services;
    }

    /** The load balancer in front of the deployed components, if it runs. */
    public java.util.Optional<URI> routerUri() {
        return balancer == null ? java.util.Optional.empty()
                : java.util.Optional.of(URI.create("http://" + settings.bindAddress() + ":" + balancer.port() + "/"));
    }

    /** The host's load balancer, if it runs (router port not 0). */
    public java.util.Optional<LoadBalancer> balancer() {
        return java.util.Optional.ofNullable(balancer);
    }

    /** The triad cache server embedded in this host, if its configuration names one. */
    public java.util.Optional<io.isohost.cache.TriadServer> triad() {
        return java.util.Optional.ofNullable(triad);
    }

    /** The balancer's own container, if the balancer runs. */
    public java.util.Optional<io.isohost.daemon.internal.BalancerContainer> balancerContainer() {
        return java.util.Optional.ofNullable(balancerContainer);
    }

    public PerformanceLoop performance() {
        return performance;
    }

    public HostMetrics metrics() {
        return metrics;
    }

    public String jmxUrl() {
        return jmx.url().toString();
    }

    public URI adminUri() {
        int port = ((ServerConnector) admin.getConnectors()[0]).getLocalPort();
        String host = settings.bindAddress().contains(":") ? "[" + settings.bindAddress() + "]" : settings.bindAddress();
        return URI.create("http://" + host + ":" + port + "/");
    }

    public String adminToken() {
        return token;
    }

    /** Blocks until the host is stopped (by {@link #close()} or the admin API). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        log.info("isohost host stopping");
        ticker.shutdownNow();
        if (services != null) {
            services.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        if (triad != null) {
            triad.close();
        }
        containers.close();
        jmx.close();
        try {
            admin.stop();
        } catch (Exception e) {
            log.debug("admin stop: {}", e.toString());
        }
        stopped.countDown();
    }
}
