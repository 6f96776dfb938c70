package io.isohost.daemon;

import io.isohost.container.ContainerHost;
import io.isohost.container.HostSettings;
import io.isohost.daemon.internal.HostRecord;
import io.isohost.daemon.internal.AdminApi;
import io.isohost.daemon.internal.AdminToken;
import io.isohost.daemon.internal.DataDirectory;
import io.isohost.daemon.internal.Lifecycle;
import io.isohost.daemon.internal.JmxAgent;
import io.isohost.daemon.internal.JmxUsers;
import io.isohost.daemon.internal.HostMetrics;
import io.isohost.lb.BalancerConfig;
import io.isohost.lb.LoadBalancer;
import io.isohost.daemon.service.PerformanceLoop;
import io.isohost.daemon.service.Services;
import io.isohost.daemon.deploy.BalancerBinding;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running isohost host. Its parts start in this order and stop in the reverse one: the data
 * directory (locked, owner-only), the resource registry, the containers, the embedded triad
 * server, the load balancer, the services (the last deployment restored), the remote JMX connector
 * and, last, the admin API, so nothing is served before the host exists. A start that fails stops
 * the parts already started and says which part failed ({@link Lifecycle.StartFailed}).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** The share of the host's CPU the balancer's own container is guaranteed. */
    static final double BALANCER_CPU_GUARANTEE = 0.1;
    /** How long a container leaving the balancer's routes may take to finish its requests before it stops. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** How often generators are asked again with the latest measurements. */
    static final Duration PERFORMANCE_PERIOD = Duration.ofSeconds(10);

    private final HostConfig config;
    private final DaemonSettings settings;
    private final MBeanServer mbeans;
    private final Lifecycle parts = new Lifecycle();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private String token;
    private ResourceRegistry registry;
    private ContainerHost containers;
    private DeploymentManager deployments;
    private HostMetrics metrics;
    private io.isohost.cache.TriadServer triad;
    private LoadBalancer balancer;
    private io.isohost.daemon.internal.BalancerContainer balancerContainer;
    private Services services;
    private PerformanceLoop performance;
    private JmxAgent jmx;
    private Server admin;

    private Daemon(HostConfig config, MBeanServer mbeans) {
        this.config = config;
        this.settings = config.settings();
        this.mbeans = mbeans;
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

    /** Starts a host, part by part; a part that fails stops the ones before it. */
    public static Daemon start(HostConfig config, MBeanServer mbeans) throws IOException {
        Daemon daemon = new Daemon(config, mbeans);
        daemon.startParts();
        daemon.ready = true;
        log.info("isohost host ready: admin {} , JMX {}", daemon.adminUri(), daemon.jmx.url());
        return daemon;
    }

    private void startParts() throws Lifecycle.StartFailed {
        parts.start("data directory " + settings.dataDirectory(), () -> {
            DataDirectory data = DataDirectory.open(settings.dataDirectory());
            token = AdminToken.loadOrCreate(settings.dataDirectory());
            return data::close;
        });
        parts.start("resource registry", () -> {
            registry = new ResourceRegistry();
            config.resources().forEach(registry::registerCounted);
            for (String definition : config.resourceDefinitions()) {
                registry.registerFrom(definition, Daemon.class.getClassLoader());
            }
            return () -> { };
        });
        parts.start("containers", () -> {
            containers = ContainerHost.create(new HostSettings(settings.dataDirectory(), settings.bindAddress(),
                    settings.firstContainerPort(), settings.lastContainerPort(), mbeans), registry, new CpuArbiter());
            deployments = new DeploymentManager(containers, new TargetStore(settings.dataDirectory()), Duration.ofSeconds(5),
                    DRAIN_TIMEOUT, new BalancerBinding());
            containers.keepQuotasWith(deployments); // operators' quota changes are desired state, kept by the manager
            metrics = new HostMetrics(containers);
            return () -> {
                containers.close();
                metrics.close();
            };
        });
        if (config.triad().isPresent()) {
            parts.start("embedded triad server (" + config.triad().get() + ")", () -> {
                triad = io.isohost.cache.TriadServer.start(io.isohost.cache.TriadConfig.load(config.triad().get()));
                return triad::close;
            });
        }
        if (settings.routerPort() != 0) {
            parts.start("load balancer on port " + settings.routerPort(), () -> {
                balancerContainer = new io.isohost.daemon.internal.BalancerContainer(containers, BALANCER_CPU_GUARANTEE);
                balancer = LoadBalancer.start(settings.bindAddress(), settings.routerPort(), config.balancer(),
                        java.util.Optional.of(deployments.balancer()), metrics.registry(), balancerContainer);
                ScheduledExecutorService charger = ticker("isohost-balancer-cpu");
                charger.scheduleAtFixedRate(balancerContainer::charge, 1, 1, TimeUnit.SECONDS);
                deployments.balancer().attach(balancer);
                return () -> {
                    stop(charger);
                    balancer.close();
                };
            });
        }
        parts.start("services", () -> {
            services = new Services(containers, deployments, settings.dataDirectory(), Clock.systemUTC(),
                    metrics.registry(), settings.artifactRootsWithEnvironment(), settings.descriptorLimit());
            services.restore(); // the previous run's deployment, applied once, with the balancer listening
            performance = new PerformanceLoop(services, containers, balancer);
            ScheduledExecutorService ticker = ticker("isohost-performance");
            ticker.scheduleAtFixedRate(performance::tick, PERFORMANCE_PERIOD.toMillis(), PERFORMANCE_PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
            return () -> {
                stop(ticker);
                services.close();
            };
        });
        parts.start("JMX connector on port " + settings.jmxPort(), () -> {
            // on loopback unless configured otherwise, since it exposes the whole platform MBean server
            String address = config.control().jmxAddress().isPresent() ? config.control().jmxAddress().get()
                    : loopback(settings.bindAddress());
            var tls = config.control().jmxTls();
            jmx = new JmxAgent(mbeans, address, settings.jmxPort(), JmxUsers.loadOrCreate(settings.dataDirectory()),
                    tls.isPresent() ? java.util.Optional.of(tls.get().context()) : java.util.Optional.empty());
            return jmx::close;
        });
        parts.start("admin API on port " + settings.adminPort(), () -> {
            admin = new Server(new QueuedThreadPool(16, 2));
            var connector = new ServerConnector(admin, 1, 1);
            connector.setHost(settings.bindAddress());
            connector.setPort(settings.adminPort());
            admin.addConnector(connector);
            admin.setHandler(new AdminApi(this));
            try {
                admin.start();
            } catch (Exception e) {
                admin.stop();
                throw new IOException("port " + settings.adminPort() + " on " + settings.bindAddress()
                        + " is already in use or cannot be opened: " + e.getMessage(), e);
            }
            return admin::stop;
        });
        parts.start("host record " + settings.dataDirectory().resolve(HostRecord.FILE), () -> {
            new HostRecord(adminUri(), settings.jmxPort(), routerUri().map(URI::getPort).orElse(0))
                    .write(settings.dataDirectory());
            return () -> HostRecord.remove(settings.dataDirectory());
        });
    }

    private static String loopback(String address) throws java.net.UnknownHostException {
        return java.net.InetAddress.getByName(address).isLoopbackAddress() ? address
                : java.net.InetAddress.getLoopbackAddress().getHostAddress();
    }

    private static ScheduledExecutorService ticker(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name(name).unstarted(r));
    }

    private static void stop(ScheduledExecutorService ticker) throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Whether every part has started and none has begun to stop; the admin API answers 503 otherwise. */
    public boolean ready() {
        return ready;
    }

    public DaemonSettings settings() {
        return settings;
    }

    /** How the admin API and the JMX connector are reached. */
    public ControlSettings control() {
        return config.control();
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
        synchronized (stopped) {
            if (stopped.getCount() == 0) {
                return;
            }
            ready = false;
            log.info("isohost host stopping");
            parts.close();
            stopped.countDown();
        }
    }
}
