package io.isohost.daemon.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** The admin API's bearer token: made on first start, kept (owner-readable only) in the data directory. */
public final class AdminToken {
    public static final String FILE = "admin.token";

    private AdminToken() {
    }

    public static String loadOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String token = OwnerOnlyFile.secret(24);
        OwnerOnlyFile.write(file, token + "\n");
        return token;
    }

    public static String read(Path dataDirectory) throws IOException {
        return Files.readString(dataDirectory.resolve(FILE)).strip();
    }

    /** Compares in constant time, so the token cannot be guessed byte by byte from timings. */
    public static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(), presented.getBytes());
    }
}
