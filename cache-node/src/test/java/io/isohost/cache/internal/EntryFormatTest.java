package io.isohost.cache.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryFormatTest {
    @Test
    void anMNodeIsAFixed124ByteRecord() {
        Hash k = Hash.ofKey("c", "key".getBytes(StandardCharsets.UTF_8));
        MNode m = new MNode(k, Hash.ofValue(new byte[]{1, 2, 3}), 3, 42, 0, 1000, -1, 300_000, 7, 8);
        Buf b = new Buf();
        m.write(b);
        assertEquals(MNode.SIZE, b.length());
        assertEquals(124, MNode.SIZE);
        assertEquals(m, MNode.read(new Buf.In(b.toBytes())));
    }

    @Test
    void theKeyHashCoversTheCacheName() {
        byte[] key = "same".getBytes(StandardCharsets.UTF_8);
        assertNotEquals(Hash.ofKey("a", key), Hash.ofKey("b", key));
        assertEquals(Hash.ofKey("a", key), Hash.ofKey("a", key.clone()));
    }

    @Test
    void eachServerOwnsAThirdAndEachOrderASixth() {
        int[] owners = new int[3];
        int[] slots = new int[6];
        int n = 60_000;
        for (int i = 0; i < n; i++) {
            Hash h = Hash.ofKey("c", ("k" + i).getBytes(StandardCharsets.UTF_8));
            int slot = Ordering.slot(h, 3);
            slots[slot]++;
            int[] order = Ordering.order(slot, 3);
            assertEquals(3, java.util.Arrays.stream(order).distinct().count());
            owners[order[0]]++;
        }
        for (int o : owners) {
            assertTrue(Math.abs(o - n / 3) < n / 50, "owner share " + o);
        }
        for (int s : slots) {
            assertTrue(Math.abs(s - n / 6) < n / 50, "order share " + s);
        }
        assertEquals(0, Ordering.order(Ordering.slot(Hash.ofKey("c", new byte[0]), 1), 1)[0]);
    }

    @Test
    void versionsOrderByVersionThenValueHash() {
        Hash k = Hash.ofKey("c", new byte[]{1});
        MNode a = new MNode(k, Hash.ofValue(new byte[]{1}), 1, 5, 0, -1, -1, -1, 0, 0);
        MNode b = new MNode(k, Hash.ofValue(new byte[]{2}), 1, 5, 0, -1, -1, -1, 0, 0);
        MNode c = new MNode(k, Hash.ofValue(new byte[]{1}), 1, 6, 0, -1, -1, -1, 0, 0);
        assertTrue(c.compareVersion(a) > 0 && c.compareVersion(b) > 0);
        assertEquals(-Integer.signum(a.compareVersion(b)), Integer.signum(b.compareVersion(a)));
        assertNotEquals(0, a.compareVersion(b), "equal versions are ordered by value hash, the same on every server");
    }
}
