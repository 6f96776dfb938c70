package io.isohost.cache.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The store updates m-nodes in place in its memtable; what it holds must still survive a reopen. */
class StoreTest {
    @TempDir
    Path dir;

    private static MNode mnode(Hash k, byte[] value, long version) {
        return new MNode(k, Hash.ofValue(value), value.length, version, 0, -1, -1, -1, 0, 0);
    }

    private static List<Store.Record> all(Store s) {
        List<Store.Record> out = new ArrayList<>();
        s.forEach(out::add);
        return out;
    }

    @Test
    void rewritesOfAKeyKeepTheLatestAcrossAReopen() {
        byte[] key = {7};
        Hash k = Hash.ofKey("c", key);
        try (Store s = new Store(dir, false)) {
            for (int v = 1; v <= 100; v++) {
                byte[] value = {(byte) v};
                s.put("c", key, mnode(k, value, v), value);
            }
        }
        try (Store s = new Store(dir, false)) {
            List<Store.Record> records = all(s);
            assertEquals(1, records.size());
            assertEquals(100, records.getFirst().mnode().version());
            assertArrayEquals(new byte[]{100}, s.value(records.getFirst().mnode().valueHash()));
        }
    }

    @Test
    void aKeyWrittenAgainAfterClearIsKept() {
        byte[] key = {1};
        byte[] value = {1, 2, 3};
        Hash k = Hash.ofKey("c", key);
        try (Store s = new Store(dir, false)) {
            s.put("c", key, mnode(k, value, 1), value);
            s.clear();
            assertEquals(0, all(s).size());
            s.put("c", key, mnode(k, value, 2), value);
            assertEquals(2, all(s).getFirst().mnode().version());
        }
        try (Store s = new Store(dir, false)) {
            List<Store.Record> records = all(s);
            assertEquals(1, records.size());
            assertEquals(2, records.getFirst().mnode().version());
        }
    }
}
