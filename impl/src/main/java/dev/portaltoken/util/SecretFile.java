package dev.portaltoken.util;

import dev.portaltoken.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A secret kept on one line of a file of its own (the generated key encryption key, the embedded
 * database's password): created once and atomically with owner-only permissions, and refused, as
 * ssh refuses a private key, when group or others have any permission on it. Stateless; safe to
 * use from several threads and processes at once.
 */
public final class SecretFile {
    private static final Set<PosixFilePermission> SHARED = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFile() {
    }

    /** What {@link #readOrCreate} found: the secret, and whether this call wrote it. */
    public record Outcome(String secret, boolean created) {
        @Override
        public String toString() {
            return "Outcome[created=" + created + "]";
        }
    }

    /**
     * The secret in {@code file}, first writing {@code generate.get()} there when the file does not
     * exist. The new file appears whole or not at all (written to a temporary file, flushed to disk,
     * then hard-linked into place, which never replaces an existing file, and the directory flushed),
     * so of several processes creating it at once exactly one wins and all return its secret.
     *
     * @throws ConfigException when the file is accessible to group or others, or is empty
     * @throws IOException     when it cannot be read or written
     */
    public static Outcome readOrCreate(Path file, Supplier<String> generate) throws IOException {
        if (Files.exists(file)) {
            return new Outcome(read(file), false);
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        boolean created;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap((generate.get() + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.createLink(file, temp);
                created = true;
            } catch (FileAlreadyExistsException e) {
                created = false; // another process won: use its secret
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
        return new Outcome(read(file), created);
    }

    /**
     * The first line of {@code file}, stripped.
     *
     * @throws ConfigException when the file is accessible to group or others, or is empty
     */
    public static String read(Path file) throws IOException {
        checkOwnerOnly(file);
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        int newline = text.indexOf('\n');
        String secret = (newline < 0 ? text : text.substring(0, newline)).strip();
        if (secret.isEmpty()) {
            throw new ConfigException(file + " is empty");
        }
        return secret;
    }

    /** @throws ConfigException in one line naming the file and the fix, when group or others have access */
    static void checkOwnerOnly(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        if (permissions.stream().anyMatch(SHARED::contains)) {
            throw new ConfigException(file + " is accessible to other users (" + PosixFilePermissions.toString(permissions)
                    + "); it holds a secret: run 'chmod 600 " + file + "'");
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open or flush a directory; the link itself is already in place
        }
    }
}
