package dev.portaltoken.embedded;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Setting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The owner lock of a data directory's embedded PostgreSQL, {@code <data-dir>/postgres.lock}: held
 * by the one process that runs that PostgreSQL, which writes its pid and role into the file, so that
 * another process can tell who it is waiting for: a server (which stays) or an admin command (which
 * finishes soon). Not thread-safe; one instance per owning process.
 */
final class DataDirectoryLock {
    static final String FILE = "postgres.lock";
    /** Held by the owning process of versions before the Unix socket (zonky's lock). */
    static final String EARLIER_FILE = "epg-lock";

    /** Who holds the lock. */
    enum Role {
        /** {@code serve}: stays until stopped. */
        SERVER,
        /** An admin command: done in seconds. */
        COMMAND
    }

    /** The process holding a data directory's lock, as it wrote itself into the file. */
    record Holder(long pid, Role role) {
        String describe() {
            return (role == Role.SERVER ? "a server" : "an admin command") + " (pid " + pid + ")";
        }
    }

    private final FileChannel channel;
    private boolean released;

    private DataDirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Fails fast, creating nothing, when a live server already runs on the embedded database of
     * {@code dataDir}: a second server would otherwise wait for a lock that is never released.
     *
     * @throws ConfigException naming the server's pid and how to choose another data directory
     */
    static void refuseIfServed(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            try (FileLock free = channel.tryLock()) {
                if (free != null) {
                    return;
                }
            } catch (OverlappingFileLockException e) {
                // held in this JVM: what the file says decides
            }
        } catch (IOException e) {
            return; // cannot tell: opening the database reports what is wrong
        }
        Optional<Holder> holder = read(file);
        if (holder.isPresent() && holder.get().role() == Role.SERVER) {
            throw inUse(dataDir, holder.get());
        }
    }

    /** The one-line error for a data directory whose embedded database another server runs. */
    static ConfigException inUse(Path dataDir, Holder holder) {
        return new ConfigException("the data directory " + dataDir.toAbsolutePath().normalize() + " is in use by another"
                + " server (pid " + holder.pid() + "); stop it, or give this one another data directory with "
                + Setting.DATA_DIR.flagName() + " DIR or " + Setting.DATA_DIR.env() + "=DIR");
    }

    /**
     * The lock, with this process written into it as {@code role}; empty when another process (or
     * another user of it in this one) holds it or the earlier version's lock.
     */
    static Optional<DataDirectoryLock> tryAcquire(Path dataDir, Role role) throws IOException {
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null && !heldElsewhere(file.resolveSibling("postgres").resolve(EARLIER_FILE))) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + " " + role + "\n")
                        .getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
                return Optional.of(new DataDirectoryLock(channel));
            }
        } catch (OverlappingFileLockException e) {
            // held in this JVM
        }
        channel.close();
        return Optional.empty();
    }

    /** Who holds the lock of {@code dataDir}, when its file names a live process. */
    static Optional<Holder> holder(Path dataDir) {
        return read(dataDir.toAbsolutePath().normalize().resolve(FILE));
    }

    private static Optional<Holder> read(Path file) {
        try {
            String[] fields = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            Holder holder = new Holder(Long.parseLong(fields[0]), Role.valueOf(fields[1]));
            return ProcessHandle.of(holder.pid()).filter(ProcessHandle::isAlive).map(alive -> holder);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // written by an earlier version, or being written
        }
    }

    private static boolean heldElsewhere(Path earlierLock) throws IOException {
        if (!Files.exists(earlierLock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(earlierLock, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    boolean released() {
        return released;
    }

    void release() throws IOException {
        released = true;
        channel.close(); // releases the lock
    }
}
