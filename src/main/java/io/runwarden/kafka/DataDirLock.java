package io.runwarden.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per data dir: an exclusive lock on {@code <dataDir>/.lock}, held for the life of the service. Two
 * processes on one directory would format, write and delete each other's broker logs and Streams state.
 * The operating system drops the lock when the process dies, however it dies, so a crash never leaves it behind.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE_NAME = ".lock";

    /** Holds the lock: closing the channel releases it. */
    private final FileChannel channel;

    private DataDirLock(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates the directory if missing and locks it, or says which directory is in use by whom. */
    public static DataDirLock acquire(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // this JVM holds it already: another service started in the same process
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("data dir " + dir + " is in use by another runwarden process (lock " + file + ")");
            }
            return new DataDirLock(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock data dir " + dir + " (lock " + file + "): " + e.getMessage(), e);
        }
    }

    /**
     * Releases the lock. The file stays: deleting it would let a process that opened it just before lock the
     * deleted file while a third one creates and locks a new one, two holders at once.
     */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more can be done here: the lock goes with the process at the latest
        }
    }
}
