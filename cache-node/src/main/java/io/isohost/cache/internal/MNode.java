package io.isohost.cache.internal;

/**
 * The fixed-size metadata record of one entry (124 bytes on the wire and on disk). The value itself lives
 * apart, stored under its hash, so comparing two copies of an entry means comparing m-nodes only.
 * Timeouts are in milliseconds, -1 meaning none; times are epoch milliseconds.
 */
public record MNode(Hash keyHash, Hash valueHash, int valueLength, long version, long flags,
                    long expireTimeout, long idleTimeout, long leaseTimeout, long modifiedTime, long accessTime) {
    public static final int SIZE = 32 + 32 + 4 + 7 * 8;
    /** The entry was removed; the m-node stays as a tombstone so a stale copy cannot bring it back. */
    public static final long REMOVED = 1;

    public static MNode absent(Hash keyHash) {
        return new MNode(keyHash, Hash.ZERO, 0, 0, REMOVED, -1, -1, -1, 0, 0);
    }

    public boolean removed() {
        return (flags & REMOVED) != 0;
    }

    /** Present and not past its expire or idle timeout at {@code now}, idleness measured from {@code lastAccess}. */
    public boolean live(long now, long lastAccess) {
        if (removed()) {
            return false;
        }
        if (expireTimeout >= 0 && now >= modifiedTime + expireTimeout) {
            return false;
        }
        return idleTimeout < 0 || now < Math.max(lastAccess, modifiedTime) + idleTimeout;
    }

    /** The order every replica agrees on: version first, then the value hash breaks ties. */
    public int compareVersion(MNode o) {
        int c = Long.compare(version, o.version);
        return c != 0 ? c : valueHash.compareTo(o.valueHash);
    }

    public void write(Buf out) {
        out.raw(keyHash.bytes()).raw(valueHash.bytes()).i32(valueLength).i64(version).i64(flags)
                .i64(expireTimeout).i64(idleTimeout).i64(leaseTimeout).i64(modifiedTime).i64(accessTime);
    }

    public static MNode read(Buf.In in) {
        return new MNode(new Hash(in.raw(32)), new Hash(in.raw(32)), in.i32(), in.i64(), in.i64(),
                in.i64(), in.i64(), in.i64(), in.i64(), in.i64());
    }
}
