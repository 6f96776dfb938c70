package io.isohost.daemon.internal;

import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;

/**
 * A remote JMX connector (RMI) listening on one port of one address only, so that jconsole or
 * any JMX client can reach the quotas: {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:7171/jmxrmi}.
 */
public final class JmxAgent implements AutoCloseable {
    private final Registry registry;
    private final JMXConnectorServer server;
    private final JMXServiceURL url;

    public JmxAgent(MBeanServer mbeans, String address, int port) throws IOException {
        InetAddress bind = InetAddress.getByName(address);
        RMIServerSocketFactory sockets = new LoopbackSockets(bind);
        // the RMI stubs must name the address we listen on, not whatever the host name resolves to
        System.setProperty("java.rmi.server.hostname", address);
        try {
            registry = LocateRegistry.createRegistry(port, null, sockets);
        } catch (java.rmi.server.ExportException e) {
            throw new IOException("JMX port " + port + " on " + address + " is already in use", e);
        }
        int actual = port;
        String host = address.contains(":") ? "[" + address + "]" : address;
        url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + actual + "/jndi/rmi://" + host + ":" + actual + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        server = JMXConnectorServerFactory.newJMXConnectorServer(url, env, mbeans);
        try {
            server.start();
        } catch (IOException e) {
            UnicastRemoteObject.unexportObject(registry, true);
            throw e;
        }
    }

    public JMXServiceURL url() {
        return url;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (java.rmi.NoSuchObjectException ignored) {
            // already gone
        }
    }

    private record LoopbackSockets(InetAddress address) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(address, port), 50);
            return s;
        }
    }
}
