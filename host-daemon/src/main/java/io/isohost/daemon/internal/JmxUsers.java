package io.isohost.daemon.internal;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The users of the remote JMX connector, from {@code DATA/jmx.password}: one user a line,
 * {@code NAME PASSWORD ROLE} with ROLE {@code readonly} or {@code readwrite}. The first start writes
 * the file (owner-readable only, like the admin token) with a read-only {@value #MONITOR} and a
 * read-write {@value #CONTROL}, each with a random password; the operator may edit it.
 */
public final class JmxUsers implements JMXAuthenticator {
    public static final String FILE = "jmx.password";
    public static final String MONITOR = "monitor";
    public static final String CONTROL = "control";

    /** What a user may do. */
    public enum Role {
        READ_ONLY("readonly"), READ_WRITE("readwrite");

        final String word;

        Role(String word) {
            this.word = word;
        }

        static Role parse(String word, Path file, int line) {
            for (Role r : values()) {
                if (r.word.equals(word)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(file + ":" + line + ": role must be readonly or readwrite, not '" + word + "'");
        }
    }

    /** The role an authenticated connection holds, kept in its {@link Subject}. */
    public record RolePrincipal(Role role) implements Principal {
        @Override
        public String getName() {
            return role.word;
        }
    }

    private record User(String password, Role role) {
    }

    private final Map<String, User> users;

    private JmxUsers(Map<String, User> users) {
        this.users = users;
    }

    /** Reads the users of {@code dataDirectory}, making the file with two users on first start. */
    public static JmxUsers loadOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            OwnerOnlyFile.write(file, """
                    # isohost JMX users: NAME PASSWORD ROLE (readonly or readwrite), one a line.
                    # Made on the first start; readable by its owner only. Edit it and restart the host to change them.
                    %s %s readonly
                    %s %s readwrite
                    """.formatted(MONITOR, OwnerOnlyFile.secret(16), CONTROL, OwnerOnlyFile.secret(16)));
        }
        Map<String, User> users = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException(file + ":" + n + ": a user is NAME PASSWORD ROLE");
            }
            users.put(f[0], new User(f[1], Role.parse(f[2], file, n)));
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(file + ": no JMX users; every connection would be refused");
        }
        return new JmxUsers(Map.copyOf(users));
    }

    /** The password of {@code user}, for the operator's tools and tests. */
    public String password(String user) {
        User u = users.get(user);
        if (u == null) {
            throw new IllegalArgumentException("no JMX user '" + user + "'");
        }
        return u.password();
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] c) || c.length != 2 || c[0] == null || c[1] == null) {
            throw new SecurityException("JMX needs a user name and password (users are in " + FILE + " in the data directory)");
        }
        User u = users.get(c[0]);
        // compared in constant time, and a password compared even for an unknown user
        boolean match = MessageDigest.isEqual((u == null ? "" : u.password()).getBytes(StandardCharsets.UTF_8),
                c[1].getBytes(StandardCharsets.UTF_8));
        if (u == null || !match) {
            throw new SecurityException("wrong JMX user name or password");
        }
        return new Subject(true, Set.of(new JMXPrincipal(c[0]), new RolePrincipal(u.role())), Set.of(), Set.of());
    }
}
