package io.isohost.daemon;

import io.isohost.container.ContainerConfig;
import io.isohost.container.ContainerPolicies;
import io.isohost.daemon.internal.JmxUsers;
import io.isohost.daemon.internal.Lifecycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.Attribute;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remote JMX connector with a real JMX client: authentication, roles, loopback by default, TLS beyond it. */
class JmxAccessTest {
    private static final ObjectName RATE = name("isohost:type=ResourceDomain,container=app-1,resource=rubis.tx");

    @TempDir
    Path tmp;
    private Daemon daemon;

    private static ObjectName name(String n) {
        try {
            return new ObjectName(n);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private HostConfig config(ControlSettings control) {
        DaemonSettings s = TestHosts.settings(tmp.resolve("data")).withRouterPort(0);
        return new HostConfig(s, List.of(), List.of()).withControl(control);
    }

    private void startWithAQuota(ControlSettings control) throws IOException {
        daemon = Daemon.start(config(control), MBeanServerFactory.newMBeanServer());
        daemon.containers().resources().registerCounted("rubis.tx");
        daemon.containers().create(ContainerConfig.leaf("app-1", ContainerPolicies.builder().rate("rubis.tx", 100).build()));
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void aConnectionWithoutTheRightCredentialsIsRefused() throws Exception {
        startWithAQuota(ControlSettings.defaults());
        var url = new JMXServiceURL(daemon.jmxUrl());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url).close(), "no credentials");
        assertThrows(SecurityException.class, () -> JmxClients.connect(daemon, JmxUsers.CONTROL, "wrong").close());
        assertThrows(SecurityException.class, () -> JmxClients.connect(daemon, "nobody", "x").close());
        Path users = daemon.settings().dataDirectory().resolve(JmxUsers.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
    }

    @Test
    void aReadOnlyUserReadsQuotasButCannotChangeThem() throws Exception {
        startWithAQuota(ControlSettings.defaults());
        try (var monitor = JmxClients.connect(daemon, JmxUsers.MONITOR)) {
            var remote = monitor.getMBeanServerConnection();
            assertEquals(100.0, remote.getAttribute(RATE, "RateLimit"));
            assertTrue(remote.queryNames(new ObjectName("isohost:*"), null).contains(RATE));
            var refused = assertThrows(SecurityException.class, () -> remote.setAttribute(RATE, new Attribute("RateLimit", 5.0)));
            assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
            assertThrows(SecurityException.class, () -> remote.invoke(
                    new ObjectName("JMImplementation:type=MBeanServerDelegate"), "toString", null, null));
            assertThrows(SecurityException.class, () -> remote.unregisterMBean(RATE));
        }
        try (var control = JmxClients.connect(daemon)) {
            var remote = control.getMBeanServerConnection();
            assertEquals(100.0, remote.getAttribute(RATE, "RateLimit"), "the refused change changed nothing");
            remote.setAttribute(RATE, new Attribute("RateLimit", 5.0));
            assertEquals(5.0, remote.getAttribute(RATE, "RateLimit"));
        }
    }

    @Test
    void anAddressBeyondLoopbackNeedsTls() throws Exception {
        var e = assertThrows(IOException.class,
                () -> Daemon.start(config(ControlSettings.defaults().withJmx("0.0.0.0", Optional.empty())),
                        MBeanServerFactory.newMBeanServer()).close());
        assertInstanceOf(Lifecycle.StartFailed.class, e);
        assertTrue(e.getMessage().startsWith("cannot start the JMX connector") && e.getMessage().contains("needs TLS"),
                e.getMessage());
    }

    @Test
    void withTlsTheConnectorServesOnlyTlsClients() throws Exception {
        Path keyStore = tmp.resolve("jmx.p12");
        Path password = tmp.resolve("jmx.p12.password");
        Files.writeString(password, "changeit-jmx\n");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "jmx", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", "changeit-jmx", "-keypass", "changeit-jmx").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));

        startWithAQuota(ControlSettings.defaults().withJmx("127.0.0.1",
                Optional.of(new ControlSettings.JmxTls(keyStore, password))));
        // a client that does not speak TLS gets nowhere, whatever its credentials
        assertThrows(IOException.class, () -> JmxClients.connect(daemon).close());

        SSLContext previous = SSLContext.getDefault();
        try {
            SSLContext.setDefault(trusting(keyStore, "changeit-jmx".toCharArray()));
            var env = new java.util.HashMap<String, Object>();
            env.put(javax.management.remote.JMXConnector.CREDENTIALS,
                    new String[]{JmxUsers.CONTROL, JmxUsers.loadOrCreate(daemon.settings().dataDirectory()).password(JmxUsers.CONTROL)});
            env.put("com.sun.jndi.rmi.factory.socket", new javax.rmi.ssl.SslRMIClientSocketFactory());
            try (var c = JMXConnectorFactory.connect(new JMXServiceURL(daemon.jmxUrl()), env)) {
                assertEquals(100.0, c.getMBeanServerConnection().getAttribute(RATE, "RateLimit"));
            }
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    private static SSLContext trusting(Path keyStore, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}
