package io.isohost.container.internal;

import io.isohost.container.Component;
import io.isohost.container.ComponentContext;
import io.isohost.container.ComponentSpec;
import io.isohost.container.Isolate;
import io.isohost.container.IsolateException;
import io.isohost.container.IsolateExit;
import io.isohost.container.IsolateState;
import io.isohost.container.IsolateUsage;
import io.isohost.container.ServletMapping;
import io.isohost.container.spi.IsolateEnvironment;
import io.isohost.rm.Resource;
import io.isohost.rm.ResourceContext;
import io.isohost.rm.WorkMeter;
import jakarta.servlet.Servlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code java} isolate: the component's own class loader over the shared platform, its own
 * platform threads carrying its resource context, and its servlets in a servlet context of its own.
 */
final class JavaIsolate implements Isolate {
    private static final Logger log = LoggerFactory.getLogger(JavaIsolate.class);

    private final String id;
    private final ComponentSpec spec;
    private final IsolateEnvironment env;
    private final IsolateThreads.IsolateCounters counters;
    private volatile IsolateState state = IsolateState.CREATED;
    private volatile Throwable failure;
    private IsolateClassLoader loader;
    private IsolateThreads threads;
    private ServletContextHandler servlets;
    private Component component;
    private Future<?> mainTask;

    JavaIsolate(ComponentSpec spec, IsolateEnvironment env) throws IsolateException {
        this.id = env.containerName() + "/" + spec.name();
        this.spec = spec;
        this.env = env;
        for (Path p : spec.artifacts()) {
            if (!Files.exists(p)) {
                throw new IsolateException("component '" + spec.name() + "': artifact " + p + " does not exist");
            }
            if (!Files.isDirectory(p) && !p.toString().endsWith(".jar")) {
                throw new IsolateException("component '" + spec.name() + "': artifact " + p
                        + " is neither a jar nor a class directory");
            }
        }
        var cpu = env.resources().domain(Resource.CPU_TIME);
        var heap = env.resources().domain(Resource.HEAP_ALLOCATION);
        this.counters = new IsolateThreads.IsolateCounters(u -> {
            if (u.cpuNanos() > 0) {
                cpu.ifPresent(d -> d.charge(u.cpuNanos()));
            }
            if (u.allocatedBytes() > 0) {
                heap.ifPresent(d -> d.charge(u.allocatedBytes()));
            }
        });
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return "java";
    }

    @Override
    public ComponentSpec spec() {
        return spec;
    }

    @Override
    public synchronized void start() throws IsolateException {
        if (state != IsolateState.CREATED) {
            throw new IsolateException("isolate " + id + " cannot start from state " + state);
        }
        state = IsolateState.STARTING;
        try {
            loader = new IsolateClassLoader(id, urls(), JavaIsolate.class.getClassLoader());
            ExitHandling.register(env.resources(), this);
            threads = new IsolateThreads(id, env.maxThreads(), env.resources(), loader, counters);
            if (!spec.servlets().isEmpty()) {
                servlets = startServlets();
            }
            if (spec.entryClass().isPresent()) {
                startEntry(spec.entryClass().get());
            }
            if (state == IsolateState.STARTING) { // main may already have failed on its own thread
                state = IsolateState.RUNNING;
            }
        } catch (IsolateException e) {
            fail(e);
            throw e;
        } catch (Exception | LinkageError e) {
            IsolateException wrapped = new IsolateException("component '" + spec.name() + "' failed to start: " + e, e);
            fail(wrapped);
            throw wrapped;
        }
    }

    private void fail(Throwable cause) {
        failure = cause;
        teardown(Duration.ZERO);
        state = IsolateState.FAILED;
    }

    private URL[] urls() throws IsolateException {
        List<URL> urls = new ArrayList<>();
        try {
            for (Path p : spec.artifacts()) {
                urls.add(p.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IsolateException("component '" + spec.name() + "': bad artifact path: " + e.getMessage(), e);
        }
        return urls.toArray(URL[]::new);
    }

    private Class<?> load(String className, String role) throws IsolateException {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IsolateException("component '" + spec.name() + "': " + role + " class '" + className
                    + "' not found in " + spec.artifacts());
        } catch (LinkageError e) {
            throw new IsolateException("component '" + spec.name() + "': " + role + " class '" + className
                    + "' cannot be loaded: " + e, e);
        }
    }

    private ServletContextHandler startServlets() throws Exception {
        var handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        handler.setContextPath("/");
        handler.setDisplayName(id);
        handler.setClassLoader(loader);
        handler.setServer(env.server());
        handler.setAttribute(ComponentContext.class.getName(), context());
        for (ServletMapping m : spec.servlets()) {
            Class<?> type = load(m.className(), "servlet");
            if (!Servlet.class.isAssignableFrom(type)) {
                throw new IsolateException("component '" + spec.name() + "': class '" + m.className()
                        + "' is not a jakarta.servlet.Servlet");
            }
            var holder = new ServletHolder(m.name(), type.asSubclass(Servlet.class));
            holder.setInitOrder(1); // initialise now, so that a broken servlet fails the start, not a request
            for (String pattern : m.urlPatterns()) {
                handler.addServlet(holder, pattern);
            }
        }
        env.resources().call(() -> {
            handler.start();
            return null;
        });
        if (!handler.isAvailable()) {
            throw new IsolateException("component '" + spec.name() + "': its servlets failed to initialise (see the log)");
        }
        return handler;
    }

    private void startEntry(String className) throws Exception {
        Class<?> type = load(className, "entry");
        if (Component.class.isAssignableFrom(type)) {
            var instance = type.asSubclass(Component.class).getConstructor().newInstance();
            Future<?> started = threads.submit(() -> {
                instance.start(context());
                return null;
            });
            try {
                started.get(Math.max(1, spec.stopTimeout().toMillis()) * 6, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IsolateException("component '" + spec.name() + "': start() threw " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                started.cancel(true);
                throw new IsolateException("component '" + spec.name() + "': start() did not return within "
                        + spec.stopTimeout().multipliedBy(6).toSeconds() + " s");
            }
            component = instance;
            return;
        }
        Method main;
        try {
            main = type.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IsolateException("component '" + spec.name() + "': entry class '" + className
                    + "' has neither a public static main(String[]) nor implements " + Component.class.getName());
        }
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new IsolateException("component '" + spec.name() + "': main in '" + className + "' is not static");
        }
        String[] args = spec.arguments().toArray(String[]::new);
        mainTask = threads.submit(() -> {
            try {
                main.invoke(null, (Object) args);
            } catch (InvocationTargetException e) {
                if (state == IsolateState.RUNNING || state == IsolateState.STARTING || e.getCause() instanceof IsolateExit.ExitRequested) {
                    failure = e.getCause();
                    state = IsolateState.FAILED;
                    counters.errors.increment();
                    log.warn("isolate {}: main threw; the isolate has failed, its neighbours go on", id, e.getCause());
                }
            } catch (IllegalAccessException e) {
                failure = e;
                state = IsolateState.FAILED;
            }
        });
    }

    private ComponentContext context() {
        return new ComponentContext() {
            @Override
            public String componentName() {
                return spec.name();
            }

            @Override
            public String containerName() {
                return env.containerName();
            }

            @Override
            public List<String> arguments() {
                return spec.arguments();
            }

            @Override
            public Map<String, String> environment() {
                return spec.environment();
            }

            @Override
            public Path directory() {
                return env.directory();
            }

            @Override
            public ExecutorService executor() {
                return threads;
            }
        };
    }

    @Override
    public void stop(Duration grace) {
        synchronized (this) {
            if (state == IsolateState.STOPPED || state == IsolateState.STOPPING) {
                return;
            }
            state = IsolateState.STOPPING;
        }
        teardown(grace);
        state = IsolateState.STOPPED;
    }

    private void teardown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (counters.inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(5);
        }
        if (component != null) {
            Component c = component;
            Future<?> stopping = threads.submit(() -> {
                c.stop();
                return null;
            });
            try {
                stopping.get(Math.max(1, remaining(deadline)), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                log.warn("isolate {}: stop() did not finish cleanly: {}", id, e.toString());
            }
        }
        if (servlets != null) {
            try {
                servlets.stop();
            } catch (Exception e) {
                log.warn("isolate {}: servlets did not stop cleanly: {}", id, e.toString());
            }
        }
        if (threads != null) {
            threads.shutdown();
            try {
                if (!threads.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
                    threads.shutdownNow(); // forced: interrupt whatever still runs
                    if (!threads.awaitTermination(1, TimeUnit.SECONDS)) {
                        log.warn("isolate {}: {} thread(s) ignore interruption and keep running; a java isolate cannot kill them",
                                id, threads.getActiveCount());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (mainTask != null) {
            mainTask.cancel(true);
        }
        ExitHandling.unregister(env.resources());
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                log.debug("isolate {}: class loader close: {}", id, e.toString());
            }
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public IsolateState state() {
        return state;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public IsolateUsage usage() {
        int live = threads == null ? 0 : threads.getPoolSize();
        return new IsolateUsage(counters.cpuNanos.sum(), counters.allocatedBytes.sum(), counters.requests.sum(),
                counters.errors.sum(), live);
    }

    @Override
    public Optional<Handler> httpHandler() {
        return Optional.ofNullable(servlets);
    }

    ResourceContext resources() {
        return env.resources();
    }

    IsolateThreads.IsolateCounters counters() {
        return counters;
    }

    /** The component asked to exit: it ends (fails) without taking the host with it. */
    void exitRequested(IsolateExit.ExitRequested exit) {
        failure = exit;
        state = IsolateState.FAILED;
        log.warn("isolate {}: {}", id, exit.getMessage());
    }

    /** Records one request's measured cost against this isolate and its container. */
    void meterRequest(WorkMeter.Usage u, boolean failed) {
        counters.requests.increment();
        if (failed) {
            counters.errors.increment();
        }
        counters.charge(u);
    }
}
