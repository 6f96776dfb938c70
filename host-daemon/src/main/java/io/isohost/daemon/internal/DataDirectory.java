package io.isohost.daemon.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A host's data directory, held for as long as the host runs: readable by its owner only (the
 * admin token, the deployment target and the components' data are in it) and locked, so that a
 * second host cannot work on the same data.
 */
public final class DataDirectory implements AutoCloseable {
    /** The lock file; it holds the pid of the host that has the directory. */
    public static final String LOCK_FILE = "host.lock";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory (mode 0700) if needed, tightens an existing one to 0700, and locks it. */
    public static DataDirectory open(Path directory) throws IOException {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IOException("data directory " + directory + " is not a directory");
        }
        Files.createDirectories(directory);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(directory, OWNER_ONLY);
        }
        FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(directory.resolve(LOCK_FILE)), StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IOException("data directory " + directory + " is in use by another host"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        return new DataDirectory(directory, channel, lock);
    }

    public Path path() {
        return directory;
    }

    /** Releases the lock; the directory and its content stay. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            lock.release();
            channel.close();
        }
    }
}
