package io.isohost.container.internal;

import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerHost;
import io.isohost.container.HostSettings;
import io.isohost.container.IsolateException;
import io.isohost.container.QuotaKeeper;
import io.isohost.container.ServiceContainer;
import io.isohost.container.spi.IsolateKind;
import io.isohost.rm.ResourceRegistry;
import io.isohost.rm.policy.CpuArbiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The containers of one host, their ports and the kinds of isolate they can run. */
public final class Host implements ContainerHost {
    private static final Logger log = LoggerFactory.getLogger(Host.class);

    private final HostSettings settings;
    private final ResourceRegistry resources;
    private final CpuArbiter cpu;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, IsolateKind> kinds = new ConcurrentHashMap<>();
    private final Set<Integer> claimedPorts = ConcurrentHashMap.newKeySet();
    // names reserved while their container is being built, so that two creates cannot both win
    private final Set<String> starting = ConcurrentHashMap.newKeySet();
    // component directories in use by an isolate, so that two isolates never share one's data
    private final Map<java.nio.file.Path, String> directoriesInUse = new ConcurrentHashMap<>();
    private int nextPort;
    private volatile QuotaKeeper quotas = (c, q) -> ((Container) c).setQuotaNow(q);

    public Host(HostSettings settings, ResourceRegistry resources, CpuArbiter cpu) {
        this.settings = settings;
        this.resources = resources;
        this.cpu = cpu;
        this.nextPort = settings.firstPort();
        addKind(new JavaIsolateKind());
    }

    @Override
    public ServiceContainer create(ContainerConfig config) {
        Container parent = null;
        synchronized (this) {
            if (containers.containsKey(config.name()) || starting.contains(config.name())) {
                throw new IllegalArgumentException("a container named '" + config.name() + "' already exists");
            }
            if (config.parent().isPresent()) {
                parent = containers.get(config.parent().get());
                if (parent == null) {
                    throw new IllegalArgumentException("container '" + config.name() + "': parent '"
                            + config.parent().get() + "' does not exist");
                }
                if (!parent.isGroup()) {
                    throw new IllegalArgumentException("container '" + config.name() + "': parent '"
                            + parent.name() + "' is a leaf container; only groups hold containers");
                }
            }
            if (!starting.add(config.name())) {
                throw new IllegalArgumentException("a container named '" + config.name() + "' is being created");
            }
        }
        try {
            Container made;
            made = new Container(this, config, parent);
            made.open();
            containers.put(config.name(), made);
            if (parent != null) {
                parent.children().add(made);
            }
            log.info("created container {}{}", config.name(), made.endpoint().map(u -> " at " + u).orElse(""));
            return made;
        } finally {
            starting.remove(config.name());
        }
    }

    @Override
    public boolean destroy(String name, Duration grace) {
        Container c = containers.get(name);
        if (c == null) {
            return false;
        }
        for (Container child : List.copyOf(c.children())) {
            destroy(child.name(), grace);
        }
        c.close(grace);
        containers.remove(name);
        if (c.parentContainer() != null) {
            c.parentContainer().children().remove(c);
        }
        log.info("destroyed container {}", name);
        return true;
    }

    @Override
    public Optional<ServiceContainer> container(String name) {
        return Optional.ofNullable(containers.get(name));
    }

    @Override
    public List<ServiceContainer> containers() {
        return containers.values().stream().sorted(Comparator.comparing(Container::name))
                .map(c -> (ServiceContainer) c).toList();
    }

    @Override
    public ResourceRegistry resources() {
        return resources;
    }

    @Override
    public CpuArbiter cpu() {
        return cpu;
    }

    @Override
    public void keepQuotasWith(QuotaKeeper keeper) {
        this.quotas = keeper;
    }

    QuotaKeeper quotas() {
        return quotas;
    }

    @Override
    public void addKind(IsolateKind kind) {
        kinds.put(kind.name(), kind);
    }

    @Override
    public java.util.Set<String> kinds() {
        return java.util.Set.copyOf(kinds.keySet());
    }

    IsolateKind kind(String name) throws IsolateException {
        IsolateKind k = kinds.get(name);
        if (k == null) {
            throw new IsolateException("unknown isolate kind '" + name + "'; this host has: " + String.join(", ", kinds.keySet()));
        }
        return k;
    }

    @Override
    public HostSettings settings() {
        return settings;
    }

    // ---- component directories ----

    void claimDirectory(java.nio.file.Path dir, String isolate) throws IsolateException {
        String holder = directoriesInUse.putIfAbsent(dir.toAbsolutePath().normalize(), isolate);
        if (holder != null) {
            throw new IsolateException("isolate " + isolate + ": directory " + dir + " is in use by isolate " + holder);
        }
    }

    void releaseDirectory(java.nio.file.Path dir) {
        directoriesInUse.remove(dir.toAbsolutePath().normalize());
    }

    // ---- ports ----

    /** The ports to try for an endpoint: the fixed one, or the range from a rotating start. */
    synchronized List<Integer> portCandidates(int fixed) {
        if (fixed != 0) {
            return List.of(fixed);
        }
        List<Integer> out = new ArrayList<>();
        int span = settings.lastPort() - settings.firstPort() + 1;
        for (int i = 0; i < span && out.size() < 64; i++) {
            int p = settings.firstPort() + (nextPort - settings.firstPort() + i) % span;
            if (!claimedPorts.contains(p)) {
                out.add(p);
            }
        }
        if (!out.isEmpty()) {
            nextPort = out.getFirst() + 1 > settings.lastPort() ? settings.firstPort() : out.getFirst() + 1;
        }
        return out;
    }

    void claimPort(int port) {
        claimedPorts.add(port);
    }

    void releasePort(int port) {
        claimedPorts.remove(port);
    }

    /** Ports from the range that are free now, claimed for a replica's own use. */
    synchronized List<Integer> freePorts(int count) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int p : portCandidates(0)) {
            if (out.size() == count) {
                break;
            }
            try (var probe = new ServerSocket(p, 1, InetAddress.getByName(settings.bindAddress()))) {
                claimPort(p);
                out.add(p);
            } catch (IOException busy) {
                // taken by someone else: try the next
            }
        }
        if (out.size() < count) {
            throw new IOException("only " + out.size() + " of " + count + " free ports in "
                    + settings.firstPort() + "-" + settings.lastPort());
        }
        return out;
    }

    @Override
    public void close() {
        for (Container c : List.copyOf(containers.values())) {
            if (c.parentContainer() == null) {
                destroy(c.name(), Duration.ofSeconds(2));
            }
        }
    }
}
