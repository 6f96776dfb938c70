package io.isohost.cache.internal;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The durable copy of one server's entries in RocksDB: m-nodes (with their cache name and key) by key hash,
 * values by value hash. An m-node and a new value go in one write batch, so a crash never leaves an m-node
 * pointing at a missing value. Writes go to the write-ahead log before they are acknowledged; with
 * {@code sync} the log is also fsynced (survives a machine crash, not only a process crash).
 */
public final class Store implements Closeable {
    static {
        RocksDB.loadLibrary();
    }

    public record Record(String cache, byte[] key, MNode mnode) {
    }

    /** One m-node to store, with its value when the store may lack it. */
    public record Write(String cache, byte[] key, MNode mnode, byte[] value) {
    }

    private interface Op<T> {
        T run() throws RocksDBException;
    }

    private final RocksDB db;
    private final ColumnFamilyHandle mnodes;
    private final ColumnFamilyHandle values;
    private final ColumnFamilyHandle meta;
    private final WriteOptions writeOptions;
    private final DBOptions options;
    private final ColumnFamilyOptions mnodeOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    /** RocksDB crashes the JVM when a closed handle is used: every operation holds this, close waits for them. */
    private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
    private boolean closed;

    public Store(Path dir, boolean sync) {
        try {
            Files.createDirectories(dir);
            // RocksDB requires this off for in-place updates; with 2 cores there is no parallel memtable insert to lose
            options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(2).setKeepLogFileNum(2).setAllowConcurrentMemtableWrite(false);
            // A key's m-node record keeps its size, so a rewrite updates the memtable entry in place instead of
            // adding a version: the memtable stays one entry per key, small enough to stay in cache (a put measured
            // 5 instead of 10 µs, p99 18 instead of 55-100). The write-ahead log is written as before. Only the
            // start-up scan iterates this family, before anything writes.
            mnodeOptions = new ColumnFamilyOptions().setInplaceUpdateSupport(true);
            List<ColumnFamilyDescriptor> cfs = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor("mnodes".getBytes(StandardCharsets.US_ASCII), mnodeOptions),
                    new ColumnFamilyDescriptor("values".getBytes(StandardCharsets.US_ASCII)));
            db = RocksDB.open(options, dir.toString(), cfs, handles);
            meta = handles.get(0);
            mnodes = handles.get(1);
            values = handles.get(2);
            writeOptions = new WriteOptions().setSync(sync);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the triad store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Counts this server's starts; the count is the high part of its ownership epochs. */
    public long nextBoot() {
        byte[] k = "boot".getBytes(StandardCharsets.US_ASCII);
        return guarded(() -> {
            byte[] v = db.get(meta, k);
            long boot = (v == null ? 0 : new Buf.In(v).i64()) + 1;
            try (WriteOptions synced = new WriteOptions().setSync(true)) {
                db.put(meta, synced, k, new Buf().i64(boot).toBytes());
            }
            return boot;
        });
    }

    private <T> T guarded(Op<T> op) {
        guard.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the triad store is closed");
            }
            return op.run();
        } catch (RocksDBException e) {
            throw new IllegalStateException("triad store: " + e.getMessage(), e);
        } finally {
            guard.readLock().unlock();
        }
    }

    /** When this server last recorded itself alive (epoch ms), 0 if never. */
    public long lastAlive() {
        return guarded(() -> {
            byte[] v = db.get(meta, "alive".getBytes(StandardCharsets.US_ASCII));
            return v == null ? 0 : new Buf.In(v).i64();
        });
    }

    public void markAlive(long now) {
        guarded(() -> {
            db.put(meta, writeOptions, "alive".getBytes(StandardCharsets.US_ASCII), new Buf().i64(now).toBytes());
            return null;
        });
    }

    /** Drops every m-node and value (the boot counter stays). */
    public void clear() {
        byte[] first = new byte[Hash.LENGTH];
        byte[] last = new byte[Hash.LENGTH + 1];
        Arrays.fill(last, (byte) 0xff);
        guarded(() -> {
            // one delete per m-node, not a range delete: a later write of the same key would update the old
            // memtable entry in place, under the range tombstone, and be lost (tried)
            try (RocksIterator it = db.newIterator(mnodes); WriteBatch batch = new WriteBatch()) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    batch.delete(mnodes, it.key());
                }
                db.write(writeOptions, batch);
            }
            db.deleteRange(values, writeOptions, first, last);
            return null;
        });
    }

    public void delete(Hash keyHash) {
        guarded(() -> {
            db.delete(mnodes, writeOptions, keyHash.bytes());
            return null;
        });
    }

    public void forEach(Consumer<Record> action) {
        guarded(() -> {
            try (RocksIterator it = db.newIterator(mnodes)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    action.accept(decode(it.value()));
                }
            }
            return null;
        });
    }

    static Record decode(byte[] v) {
        Buf.In in = new Buf.In(v);
        MNode m = MNode.read(in);
        String cache = in.str();
        byte[] key = in.bytes();
        return new Record(cache, key, m);
    }

    static byte[] encode(String cache, byte[] key, MNode m) {
        Buf b = new Buf(MNode.SIZE + 16 + key.length);
        m.write(b);
        b.str(cache).bytes(key);
        return b.toBytes();
    }

    /** Stores an m-node and, when given, its value, atomically. */
    public void put(String cache, byte[] key, MNode m, byte[] value) {
        byte[] record = encode(cache, key, m);
        guarded(() -> {
            if (value == null) {
                // an m-node alone (its value held already, or a removal): one put, no native batch to build and free
                db.put(mnodes, writeOptions, m.keyHash().bytes(), record);
                return null;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(values, m.valueHash().bytes(), value);
                batch.put(mnodes, m.keyHash().bytes(), record);
                db.write(writeOptions, batch);
            }
            return null;
        });
    }

    /**
     * Stores several m-nodes (and values) in one write batch: one write-ahead-log append and one memtable
     * insertion pass for all of them, instead of one of each per m-node. Later writes of a key win.
     */
    public void putAll(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        byte[][] records = new byte[writes.size()][];
        for (int i = 0; i < records.length; i++) {
            Write w = writes.get(i);
            records[i] = encode(w.cache(), w.key(), w.mnode());
        }
        guarded(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < records.length; i++) {
                    Write w = writes.get(i);
                    if (w.value() != null) {
                        batch.put(values, w.mnode().valueHash().bytes(), w.value());
                    }
                    batch.put(mnodes, w.mnode().keyHash().bytes(), records[i]);
                }
                db.write(writeOptions, batch);
            }
            return null;
        });
    }

    public byte[] value(Hash valueHash) {
        return guarded(() -> db.get(values, valueHash.bytes()));
    }

    public boolean hasValue(Hash valueHash) {
        return valueHash.isZero() || value(valueHash) != null;
    }

    public void forEachValueHash(Consumer<Hash> action) {
        guarded(() -> {
            try (RocksIterator it = db.newIterator(values)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    action.accept(new Hash(it.key()));
                }
            }
            return null;
        });
    }

    public void deleteValues(Collection<Hash> hashes) {
        guarded(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (Hash h : hashes) {
                    batch.delete(values, h.bytes());
                }
                db.write(writeOptions, batch);
            }
            return null;
        });
    }

    @Override
    public void close() {
        guard.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            db.close();
            writeOptions.close();
            options.close();
            mnodeOptions.close();
        } finally {
            guard.writeLock().unlock();
        }
    }
}
