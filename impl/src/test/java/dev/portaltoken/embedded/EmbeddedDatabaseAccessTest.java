package dev.portaltoken.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Psql;
import dev.portaltoken.support.TempDirectories;
import dev.portaltoken.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default install's database admits nobody without its secret: the embedded PostgreSQL has no
 * TCP listener, its Unix socket sits in an owner-only directory, and it takes only password (SCRAM)
 * authentication. Checked from outside with Debian's psql, run as another OS user ({@code nobody})
 * and as this one without the password, against a data directory others may read (as a
 * {@code ./data} made with umask 022 is), so that only the database's own protections count.
 */
class EmbeddedDatabaseAccessTest {
    private static TestServer server;
    private static Path dataDir;
    private static long postmasterPid;
    private static int port;
    private static String socketDirectory;
    private static String password;

    @BeforeAll
    static void start() throws IOException {
        dataDir = TempDirectories.create("portal-token-access");
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        server = TestServer.start(dataDir, Map.of());
        // What postmaster.pid says: pid, data directory, start time, port, socket directory, ...
        List<String> pidFile = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        postmasterPid = Long.parseLong(pidFile.get(0).trim());
        port = Integer.parseInt(pidFile.get(3).trim());
        socketDirectory = pidFile.get(4).trim();
        Path passwordFile = dataDir.resolve("postgres-password");
        password = Files.exists(passwordFile) ? Files.readString(passwordFile).strip() : "no-password-file";
    }

    @AfterAll
    static void stop() {
        try {
            server.close();
        } finally {
            TempDirectories.delete(dataDir);
        }
    }

    @Test
    void anotherOsUserIsRefusedOverTcpAndOverTheSocketEvenWithThePassword() {
        for (String host : List.of("127.0.0.1", "::1", socketDirectory)) {
            Psql.Result result = Psql.selectOne(host, port, password, true);
            assertNotEquals(0, result.exit(), () -> "as nobody through " + host + ": " + result);
            assertFalse(result.out().contains("1"), result::toString);
        }
        assertTrue(Psql.selectOne(socketDirectory, port, password, true).err().contains("Permission denied"),
                "the socket's directory keeps other users out");
        assertTrue(Psql.selectOne("127.0.0.1", port, password, true).err().contains("Connection refused"),
                "nothing listens on TCP");
    }

    @Test
    void withoutThePasswordThisUserIsRefusedOverTcpAndOverTheSocket() {
        Psql.Result none = Psql.selectOne(socketDirectory, port, null, false);
        assertNotEquals(0, none.exit(), none::toString);
        assertTrue(none.err().contains("no password supplied"), none::toString);
        Psql.Result wrong = Psql.selectOne(socketDirectory, port, "ptdb_not-the-password", false);
        assertNotEquals(0, wrong.exit(), wrong::toString);
        assertTrue(wrong.err().contains("password authentication failed"), wrong::toString);
        for (String host : List.of("127.0.0.1", "::1")) {
            Psql.Result tcp = Psql.selectOne(host, port, null, false);
            assertNotEquals(0, tcp.exit(), () -> host + ": " + tcp);
            assertFalse(tcp.out().contains("1"), tcp::toString);
        }

        Psql.Result owner = Psql.selectOne(socketDirectory, port, password, false);
        assertEquals(0, owner.exit(), () -> "the owner with the password gets in (so psql itself works): " + owner);
        assertEquals("1", owner.out().strip());
    }

    @Test
    void thePostmasterHasNoTcpListeningSocket() throws IOException {
        Set<String> ownSockets = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(postmasterPid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ownSockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        assertFalse(ownSockets.isEmpty(), "the postmaster's sockets are visible (the check can fail)");
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] columns = line.trim().split("\\s+");
                boolean listening = "0A".equals(columns[3]);
                assertFalse(listening && ownSockets.contains(columns[9]),
                        "the postmaster listens on TCP " + columns[1] + " (" + table + ")");
            }
        }
    }

    @Test
    void theSocketItsDirectoryAndThePasswordFileAreOwnerOnly() throws IOException {
        assertEquals(dataDir.resolve("postgres-socket").toString(), socketDirectory, "a directory of its own under the data directory");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(socketDirectory))));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of(socketDirectory, ".s.PGSQL." + port))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("postgres-password"))));
        assertTrue(password.matches("ptdb_[A-Za-z0-9_-]{43}"), "256 random bits behind a prefix secret scanners know");
        List<String> rules = Files.readAllLines(dataDir.resolve("postgres/pg_hba.conf")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertEquals(List.of("local all all scram-sha-256"), rules);
    }

    @Test
    void theCliWorksBesideTheRunningServerThroughTheSocket() {
        server.createTenant("beside");
        dev.portaltoken.support.CliRun.Result listed = server.cli("tenant", "list");
        assertEquals(0, listed.exit(), listed::toString);
        assertTrue(listed.out().contains("beside"), listed::toString);
    }
}
