package io.isohost.daemon;

import io.isohost.daemon.internal.JmxUsers;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.util.Map;

/** A remote JMX client of a host, as jconsole would connect: with a user and password of the host's jmx.password. */
final class JmxClients {
    private JmxClients() {
    }

    /** Connects as the read-write user. */
    static JMXConnector connect(Daemon daemon) throws IOException {
        return connect(daemon, JmxUsers.CONTROL);
    }

    static JMXConnector connect(Daemon daemon, String user) throws IOException {
        String password = JmxUsers.loadOrCreate(daemon.settings().dataDirectory()).password(user);
        return connect(daemon, user, password);
    }

    static JMXConnector connect(Daemon daemon, String user, String password) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL(daemon.jmxUrl()),
                Map.of(JMXConnector.CREDENTIALS, new String[]{user, password}));
    }
}
