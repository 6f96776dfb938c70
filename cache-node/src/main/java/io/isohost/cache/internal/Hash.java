package io.isohost.cache.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest used as a map key: key hashes and value hashes. */
public final class Hash {
    public static final int LENGTH = 32;
    public static final Hash ZERO = new Hash(new byte[LENGTH]);
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final byte[] b;
    private final int h;

    public Hash(byte[] b) {
        if (b.length != LENGTH) {
            throw new IllegalArgumentException("a hash has 32 bytes, not " + b.length);
        }
        this.b = b;
        this.h = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The key hash: SHA-256 over the cache name, a zero separator, then the serialized key. */
    public static Hash ofKey(String cache, byte[] key) {
        MessageDigest md = SHA.get();
        md.update(cache.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(key);
        return new Hash(md.digest());
    }

    public static Hash ofValue(byte[] value) {
        return new Hash(SHA.get().digest(value));
    }

    public byte[] bytes() {
        return b;
    }

    /** The first four bytes as an unsigned number: what picks the server order. */
    public long prefix() {
        return h & 0xffffffffL;
    }

    public int compareTo(Hash o) {
        return Arrays.compareUnsigned(b, o.b);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash x && x.h == h && Arrays.equals(x.b, b);
    }

    @Override
    public int hashCode() {
        return h;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(b, 0, 6);
    }
}
