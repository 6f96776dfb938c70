package io.isohost.daemon;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

/**
 * How the host's control planes are reached, beyond their ports ({@link DaemonSettings}).
 *
 * @param adminRequestLimit the largest admin API request body, in bytes; a larger one is refused
 *                          with 413 before it is read
 * @param jmxAddress        the address the JMX connector listens on; absent, the host's address if
 *                          that is a loopback address, else 127.0.0.1
 * @param jmxTls            TLS for the JMX connector; required on an address other than loopback
 */
public record ControlSettings(long adminRequestLimit, Optional<String> jmxAddress, Optional<JmxTls> jmxTls) {
    public static final long DEFAULT_ADMIN_REQUEST_LIMIT = 1 << 20;

    /** A PKCS#12 key store holding the connector's key and certificate, and a file holding its password. */
    public record JmxTls(Path keyStore, Path passwordFile) {
        /** The TLS context serving the key store's key; a missing file or wrong password is named. */
        public SSLContext context() throws IOException {
            try (InputStream in = Files.newInputStream(keyStore)) {
                char[] password = Files.readString(passwordFile).strip().toCharArray();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, password);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(kmf.getKeyManagers(), null, null);
                return tls;
            } catch (GeneralSecurityException | IOException e) {
                throw new IOException("JMX TLS key store " + keyStore + " (password in " + passwordFile + "): " + e.getMessage(), e);
            }
        }
    }

    public ControlSettings {
        if (adminRequestLimit <= 0) {
            throw new IllegalArgumentException("the admin request limit must be positive: " + adminRequestLimit);
        }
    }

    public static ControlSettings defaults() {
        return new ControlSettings(DEFAULT_ADMIN_REQUEST_LIMIT, Optional.empty(), Optional.empty());
    }

    public ControlSettings withAdminRequestLimit(long bytes) {
        return new ControlSettings(bytes, jmxAddress, jmxTls);
    }

    public ControlSettings withJmx(String address, Optional<JmxTls> tls) {
        return new ControlSettings(adminRequestLimit, Optional.of(address), tls);
    }
}
