package dev.portaltoken.embedded;

import dev.portaltoken.util.Directories;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that ship in the jar (zonky's archives), unpacked once per version into a
 * directory only this OS user can write: {@code ~/.cache/portal-token-server/postgres-<hash>}, or
 * {@code <data-dir>/postgres-binaries} when the home directory cannot be used. Never a shared,
 * world-writable place (zonky's own default, {@code /tmp/embedded-pg}, would let another local user
 * plant binaries that this process then runs). A directory appears whole or not at all: it is
 * unpacked beside its final name and renamed into place. Safe for several processes at once.
 */
final class PostgresBinaries {
    private PostgresBinaries() {
    }

    /** The directory holding {@code bin/initdb}, {@code bin/pg_ctl} and {@code bin/postgres}. */
    static Path locate(Path dataDir) throws IOException {
        byte[] archive;
        try (InputStream in = archive()) {
            archive = in.readAllBytes();
        }
        String name = "postgres-" + HexFormat.of().formatHex(sha256(archive), 0, 12);
        IOException last = null;
        List<Path> roots = List.of(Path.of(System.getProperty("user.home"), ".cache", "portal-token-server"),
                dataDir.toAbsolutePath().resolve("postgres-binaries"));
        for (Path root : roots) {
            try {
                privateDirectory(root);
                Path unpacked = root.resolve(name);
                if (!Files.isDirectory(unpacked)) {
                    unpack(archive, root, unpacked);
                }
                return unpacked;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("cannot unpack the embedded PostgreSQL: " + last.getMessage(), last);
    }

    /** Creates {@code root} owner-only, or checks that an existing one belongs to this user and only to it. */
    private static void privateDirectory(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root.getParent());
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // created meanwhile by another process: checked below
            }
        }
        Path probe = Files.createTempFile(root, ".owner", ".probe");
        try {
            if (!Files.getOwner(root).equals(Files.getOwner(probe))) {
                throw new IOException(root + " belongs to another user");
            }
        } finally {
            Files.delete(probe);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(root);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(root + " is writable by other users");
        }
    }

    private static void unpack(byte[] archive, Path root, Path target) throws IOException {
        Path staging = Files.createTempDirectory(root, target.getFileName() + ".unpacking");
        try {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = staging.resolve(entry.getName()).normalize();
                    if (!path.startsWith(staging)) {
                        throw new IOException("unsafe path in the PostgreSQL archive: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(path.getParent());
                        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createDirectories(path.getParent());
                        Files.createLink(path, staging.resolve(entry.getLinkName()).normalize());
                    } else {
                        Files.createDirectories(path.getParent());
                        Files.copy(tar, path);
                        Files.setPosixFilePermissions(path, (entry.getMode() & 0100) != 0 || isBinary(entry.getName())
                                ? PosixFilePermissions.fromString("rwx------") : PosixFilePermissions.fromString("rw-------"));
                    }
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                // another process unpacked the same binaries first
            } catch (IOException e) {
                if (!Files.isDirectory(target)) { // "directory not empty": the other process won
                    throw e;
                }
            }
        } finally {
            Directories.deleteTree(staging);
        }
    }

    private static boolean isBinary(String name) {
        return name.startsWith("bin/") || name.startsWith("./bin/");
    }

    /**
     * zonky's archive for this system, read from the classpath as zonky's resolver names it
     * ({@code postgres-linux-x86_64.txz}, with {@code -alpine_linux} on Alpine). Not through that
     * resolver: it writes a shell script into the temporary directory to tell the Linux distribution,
     * on every start, and leaves it there whenever the process is killed.
     */
    private static InputStream archive() throws IOException {
        boolean alpine = "Linux".equals(system()) && Files.exists(Path.of("/etc/alpine-release"));
        String name = "postgres-" + system().toLowerCase(Locale.ROOT) + "-" + architecture()
                + (alpine ? "-alpine_linux" : "") + ".txz";
        InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no embedded PostgreSQL for this system (" + name + " is not in the jar): set"
                    + " DATABASE_URL to a PostgreSQL of your own");
        }
        return in;
    }

    private static String system() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return "Darwin";
        }
        if (os.contains("win")) {
            return "Windows";
        }
        return "Linux";
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
