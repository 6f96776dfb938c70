package io.isohost.lb.internal;

import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the balancer reaches into Jetty beyond its documented configuration: protected extension
 * points of its connectors and its server's internal {@code HttpConnection}. A Jetty upgrade that
 * changes them breaks the compilation of this class or {@code JettyInternalsTest}, which checks that
 * each still takes effect; nothing else in the balancer depends on them.
 * <ul>
 * <li>{@link Listener}: one set of selector threads for both sides of the proxy, as one nginx worker
 * serves its clients and its upstreams from one event loop. With a selector per side, every request
 * crosses from the thread that read it to the thread that reads the backend's answer; on a busy core
 * the second waits in the run queue behind the first, a scheduler slice (1.5-3 ms) at a time, and
 * that wait is the balancer's tail latency. With one loop the answer is relayed by the thread that
 * reads it, which is the thread that reads the next request.</li>
 * <li>{@link ServerThreadPool}: a kept-alive client connection resumed without a pool hand-off, and
 * without a read that finds nothing.</li>
 * </ul>
 */
public final class JettyInternals {
    private JettyInternals() {
    }

    /** The server connector whose selectors also carry the backend connections of {@link #backends()}. */
    public static final class Listener extends ServerConnector {
        private volatile Backends backends;

        public Listener(Server server, int selectors) {
            super(server, 1, selectors);
        }

        /** The client connector for the backend side; its connections are registered with this listener's selectors. */
        public synchronized ClientConnector backends() {
            if (backends == null) {
                backends = new Backends(getSelectorManager());
            }
            return backends;
        }

        @Override
        protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
            return new BothSides(executor, scheduler, selectors);
        }

        // ClientConnector attaches its connect context (a map) to the channels it registers
        private static boolean isBackend(Object attachment) {
            return attachment instanceof Map;
        }

        private static boolean isBackendEndPoint(EndPoint endPoint) {
            return endPoint.getConnection() instanceof org.eclipse.jetty.client.Connection;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> context(Object attachment) {
            return (Map<String, Object>) attachment;
        }

        private final class BothSides extends ServerConnectorManager {
            BothSides(Executor executor, Scheduler scheduler, int selectors) {
                super(executor, scheduler, selectors);
            }

            @Override
            protected SocketChannelEndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key)
                    throws IOException {
                return isBackend(key.attachment()) ? (SocketChannelEndPoint) backends.endPoint(channel, selector, key)
                        : super.newEndPoint(channel, selector, key);
            }

            @Override
            public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) throws IOException {
                return isBackend(attachment) ? backends.connection(endPoint, context(attachment))
                        : super.newConnection(channel, endPoint, attachment);
            }

            @Override
            public void connectionOpened(Connection connection, Object attachment) {
                if (!isBackend(attachment)) {
                    super.connectionOpened(connection, attachment);
                    return;
                }
                @SuppressWarnings("unchecked")
                Promise<Connection> promise = (Promise<Connection>) context(attachment).get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
                try {
                    super.connectionOpened(connection, attachment);
                    promise.succeeded(connection);
                } catch (Throwable x) {
                    promise.failed(x);
                }
            }

            @Override
            protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
                super.connectionFailed(channel, failure, attachment);
                if (isBackend(attachment)) {
                    backends.failed(channel, failure, context(attachment));
                }
            }

            // the server connector counts and closes its own client end points; backend ones belong to HttpClient
            @Override
            protected void endPointOpened(EndPoint endPoint) {
                if (!isBackendEndPoint(endPoint)) {
                    super.endPointOpened(endPoint);
                }
            }

            @Override
            protected void endPointClosed(EndPoint endPoint) {
                if (!isBackendEndPoint(endPoint)) {
                    super.endPointClosed(endPoint);
                }
            }
        }
    }

    /** A client connector that registers its channels with the listener's selectors instead of owning some. */
    static final class Backends extends ClientConnector {
        private final SelectorManager shared;

        Backends(SelectorManager shared) {
            this.shared = shared;
        }

        @Override
        protected SelectorManager newSelectorManager() {
            return shared;
        }

        EndPoint endPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
            EndPoint endPoint = newEndPoint(channel, selector, key);
            endPoint.setIdleTimeout(getIdleTimeout().toMillis());
            return endPoint;
        }

        Connection connection(EndPoint endPoint, Map<String, Object> context) throws IOException {
            return newConnection(endPoint, context);
        }

        void failed(SelectableChannel channel, Throwable failure, Map<String, Object> context) {
            connectFailed(channel, (SocketAddress) context.get(REMOTE_SOCKET_ADDRESS_CONTEXT_KEY), failure, context);
        }
    }

    /**
     * The balancer's server pool. When a response completes on another thread than the one that
     * handled its request (always, for a proxy: it completes where the backend's answer is read),
     * Jetty resumes the client connection, to read its next request, through the pool: a wake-up and
     * a context switch per request, which measured as a third of the balancer's CPU at moderate
     * load. The balancer's handler never blocks, so a resumed connection runs on the thread that
     * completed the response instead, one level deep (a resumption inside a resumption goes to the
     * pool, so stacks stay short). A resumed connection with no request bytes already buffered only
     * waits for its next request: resuming it by running would cost a read that finds nothing (one
     * system call in ten of the balancer's, per request), so it registers read interest instead, and
     * the selector runs it when the next request, or the client's close, arrives.
     */
    public static final class ServerThreadPool extends QueuedThreadPool {
        private static final ThreadLocal<Boolean> RESUMING = ThreadLocal.withInitial(() -> false);
        /** Connections resumed by waiting for read interest; counted so that a test sees the path taken. */
        final LongAdder awaitedNextRequest = new LongAdder();

        public ServerThreadPool(ThreadFactory threads) {
            super(200, 8, 60_000, -1, null, null, threads);
        }

        @Override
        public void execute(Runnable job) {
            if (job instanceof HttpConnection http && http.isRequestBufferEmpty()) {
                awaitedNextRequest.increment();
                http.fillInterested(new NextRequest(http));
                return;
            }
            if (job instanceof org.eclipse.jetty.io.Connection && !RESUMING.get()) {
                RESUMING.set(true);
                try {
                    job.run();
                } finally {
                    RESUMING.set(false);
                }
                return;
            }
            super.execute(job);
        }
    }

    /** Reads a kept-alive connection's next request on the selector thread (nothing on the balancer's path blocks). */
    private record NextRequest(HttpConnection http) implements Callback {
        @Override
        public void succeeded() {
            http.onFillable();
        }

        @Override
        public void failed(Throwable x) {
            http.onFillInterestedFailed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
