package io.isohost.daemon.internal;

import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The remote JMX connector (RMI registry and connector server on one port of one address):
 * {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:7171/jmxrmi}. Every connection authenticates as
 * a user of {@link JmxUsers}, and a read-only user cannot change anything ({@link JmxRoleGuard}).
 * On loopback by default; on any other address only with TLS, for the registry and the connector.
 */
public final class JmxAgent implements AutoCloseable {
    private final Registry registry;
    private JMXConnectorServer server;
    private final JMXServiceURL url;

    public JmxAgent(MBeanServer mbeans, String address, int port, JmxUsers users, Optional<SSLContext> tls)
            throws IOException {
        InetAddress bind = InetAddress.getByName(address);
        if (!bind.isLoopbackAddress() && tls.isEmpty()) {
            throw new IOException("JMX on " + address + ", which is not a loopback address, needs TLS"
                    + " (<jmx-tls> in the host configuration)");
        }
        RMIServerSocketFactory sockets = new BoundSockets(bind, tls.orElse(null));
        RMIClientSocketFactory clientSockets = tls.isPresent() ? new SslRMIClientSocketFactory() : null;
        // the RMI stubs must name the address we listen on, not whatever the host name resolves to
        System.setProperty("java.rmi.server.hostname", address);
        try {
            registry = LocateRegistry.createRegistry(port, clientSockets, sockets);
        } catch (java.rmi.server.ExportException e) {
            throw new IOException("JMX port " + port + " on " + address + " is already in use", e);
        }
        String host = address.contains(":") ? "[" + address + "]" : address;
        url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, users);
        try {
            // the connector's stub is bound into the registry here, in process: no connection to
            // ourselves (over TLS it would have to trust our own certificate)
            var rmiServer = new RMIJRMPServerImpl(port, clientSockets, sockets, env);
            server = new RMIConnectorServer(new JMXServiceURL("rmi", address, port), env, rmiServer, mbeans);
            server.setMBeanServerForwarder(JmxRoleGuard.create());
            server.start();
            registry.bind("jmxrmi", rmiServer.toStub());
        } catch (IOException | RuntimeException | java.rmi.AlreadyBoundException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    public JMXServiceURL url() {
        return url;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (IOException ignored) {
            // already gone
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (java.rmi.NoSuchObjectException ignored) {
            // already gone
        }
    }

    /** Server sockets on one address only, with TLS when {@code tls} is not null. */
    private record BoundSockets(InetAddress address, SSLContext tls) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket s = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
            if (s instanceof SSLServerSocket ssl) {
                ssl.setNeedClientAuth(false); // users authenticate with a password, inside the TLS session
            }
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 50);
            return s;
        }
    }
}
