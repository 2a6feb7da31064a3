package dev.portaltoken.embedded;

import dev.portaltoken.util.SecretFile;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Properties;
import org.newsclub.net.unix.AFUNIXSocketFactory;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL cluster of a data directory, with its access locked down: no TCP listener
 * at all, one Unix socket in {@code <data-dir>/postgres-socket} (owner-only, 0700), and password
 * (SCRAM-SHA-256) authentication only, for the superuser whose random password is generated once
 * into {@code <data-dir>/postgres-password} (owner-only, 0600). So another OS user cannot reach the
 * socket, and a process of this user still needs the password. {@code pg_hba.conf} is rewritten and
 * these settings are given at every start, so no configuration file can loosen them. Not
 * thread-safe: used under the data directory's owner lock.
 */
final class PostgresCluster {
    static final String USER = "postgres";
    static final String PASSWORD_FILE = "postgres-password";
    static final String SOCKET_DIRECTORY = "postgres-socket";
    /** With no TCP listener the port only names the socket file. */
    static final int PORT = 5432;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final int MAX_SOCKET_PATH = 107;
    private static final String HBA_HEADER = "# Rewritten by portal-token-server at every start: only password (SCRAM)"
            + " connections over the owner-only Unix socket.\n";
    private static final String SCRAM_ONLY = HBA_HEADER + "local all all scram-sha-256\n";
    /** Only while a cluster created by an earlier version, which had no password, is given one. */
    private static final String OWNER_SOCKET_TRUST = HBA_HEADER + "local all all trust\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dataDir;
    private final Path pgData;
    private final Path socketDirectory;

    PostgresCluster(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.pgData = this.dataDir.resolve("postgres");
        this.socketDirectory = this.dataDir.resolve(SOCKET_DIRECTORY);
    }

    Path pgData() {
        return pgData;
    }

    Path passwordFile() {
        return dataDir.resolve(PASSWORD_FILE);
    }

    /** Whether a cluster was created here (its {@code PG_VERSION} file is written by initdb). */
    boolean exists() {
        return Files.exists(pgData.resolve("PG_VERSION"));
    }

    /** The superuser's password, generated into {@link #passwordFile()} the first time. */
    String password() throws IOException {
        return SecretFile.readOrCreate(passwordFile(), PostgresCluster::newPassword).secret();
    }

    /**
     * A new password: {@code ptdb_} and 256 random bits in base64url. The prefix lets secret scanners
     * (the build's log scan among them) recognise it.
     */
    static String newPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ptdb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The JDBC URL of the socket (pgjdbc connects through junixsocket). */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + PORT + "/postgres?sslmode=disable&socketFactory="
                + AFUNIXSocketFactory.FactoryArg.class.getName() + "&socketFactoryArg="
                + URLEncoder.encode(socketDirectory.resolve(".s.PGSQL." + PORT).toString(), StandardCharsets.UTF_8);
    }

    /**
     * Starts the cluster, creating it first when there is none, and gives a cluster created by an
     * earlier version (trust authentication, no password) the password. The caller holds the owner
     * lock and has made sure no postmaster runs on it.
     */
    void start(PgControl pg, String password) throws IOException {
        prepareSocketDirectory();
        if (!exists()) {
            create(pg);
        }
        writeHba(SCRAM_ONLY);
        pg.start(pgData, options());
        try {
            if (authenticates(password)) {
                return;
            }
            LOG.warn("the embedded PostgreSQL in {} accepted connections without a password (created by an earlier"
                    + " version) or had another one: setting the password in {} and allowing only it", pgData, passwordFile());
            pg.stop(pgData);
            writeHba(OWNER_SOCKET_TRUST); // the socket's directory is owner-only: nobody else can use this
            pg.start(pgData, options());
            try (Connection c = connect(null)) {
                c.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
            }
            pg.stop(pgData);
            writeHba(SCRAM_ONLY);
            pg.start(pgData, options());
            if (!authenticates(password)) {
                throw new IOException("the embedded PostgreSQL in " + pgData + " refuses the password in " + passwordFile());
            }
        } catch (SQLException | IOException e) {
            stopQuietly(pg);
            throw e instanceof IOException io ? io : new IOException("cannot connect to the embedded PostgreSQL in "
                    + pgData + ": " + e.getMessage(), e);
        }
    }

    /** True when the running cluster accepts {@code password}; false when it refuses it. */
    boolean authenticates(String password) throws SQLException {
        try (Connection ignored = connect(password)) {
            return true;
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                return false; // wrong or missing password, or no pg_hba.conf line allows it
            }
            throw e;
        }
    }

    private Connection connect(String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        if (password != null) {
            props.setProperty("password", password);
        }
        // Generous: a loaded host can take seconds to start a backend; a wrong password fails at once anyway.
        props.setProperty("connectTimeout", "30");
        props.setProperty("loginTimeout", "60");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    private void create(PgControl pg) throws IOException {
        if (Files.isDirectory(pgData)) {
            Files.deleteIfExists(pgData.resolve("epg-lock")); // the earlier version's lock file, if that is all there is
            try (var entries = Files.list(pgData)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(pgData + " is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away");
                }
            }
        }
        pg.initdb(pgData, passwordFile());
    }

    /** Creates the socket's directory owner-only, and makes an existing one so. */
    private void prepareSocketDirectory() throws IOException {
        if (socketDirectory.resolve(".s.PGSQL." + PORT).toString().length() > MAX_SOCKET_PATH) {
            throw new IOException("the data directory's path is too long for PostgreSQL's Unix socket ("
                    + socketDirectory + "): choose a data directory with a path of at most "
                    + (MAX_SOCKET_PATH - ("/" + SOCKET_DIRECTORY + "/.s.PGSQL." + PORT).length()) + " characters");
        }
        if (Files.isSymbolicLink(socketDirectory)) {
            throw new IOException(socketDirectory + " is a symbolic link; remove it");
        }
        Files.createDirectories(socketDirectory);
        Files.setPosixFilePermissions(socketDirectory, PosixFilePermissions.fromString("rwx------"));
        if (!Files.isDirectory(socketDirectory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(socketDirectory + " is not a directory");
        }
    }

    private void writeHba(String content) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        Path temp = pgData.resolve("pg_hba.conf.tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Server settings given on every start; a command-line setting overrides every configuration file. */
    private String options() {
        return String.join(" ",
                "-p", Integer.toString(PORT),
                "-c", "listen_addresses=",
                "-c", PgControl.shellQuote("unix_socket_directories=\"" + socketDirectory + "\""),
                "-c", "unix_socket_permissions=0700",
                "-c", "password_encryption=scram-sha-256",
                "-c", "timezone=UTC",
                "-c", "synchronous_commit=off",
                "-c", "max_connections=300");
    }

    private void stopQuietly(PgControl pg) {
        try {
            pg.stop(pgData);
        } catch (IOException e) {
            LOG.debug("could not stop the embedded PostgreSQL in {}", pgData, e);
        }
    }
}
