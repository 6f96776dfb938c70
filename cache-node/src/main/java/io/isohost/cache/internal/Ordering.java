package io.isohost.cache.internal;

/**
 * Which triad server owns a key, which backs it up, which holds the third copy. The first four bytes of the
 * key hash pick one of the six orders of three servers, so each server owns a third of the keys and each
 * (owner, backup) pair carries a sixth.
 */
public final class Ordering {
    private static final int[][] ORDERS = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {1, 0, 2}, {2, 1, 0}};
    private static final int[][] SINGLE = {{0}};

    private Ordering() {
    }

    public static int slots(int members) {
        return members == 1 ? 1 : ORDERS.length;
    }

    public static int slot(Hash keyHash, int members) {
        return members == 1 ? 0 : (int) (keyHash.prefix() % ORDERS.length);
    }

    public static int[] order(int slot, int members) {
        return members == 1 ? SINGLE[0] : ORDERS[slot];
    }
}
