package dev.portaltoken.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Whether a database's schema is exactly what this build's migrations make it, read in two queries,
 * so that opening an up-to-date database (every start but the first, every admin command) does not
 * load Flyway: about 900 classes and a fifth of a second of a fresh JVM's CPU.
 *
 * <p>It answers yes only when Flyway's history holds one successful versioned SQL migration per
 * migration file of this build, with the version, description and checksum Flyway gives that file,
 * and nothing else. For anything else (a new database, a pending, failed, edited or unknown
 * migration, a history it cannot read) it answers no, and Flyway runs as it always did: it migrates,
 * or refuses with its own message. Stateless and thread-safe.
 */
final class SchemaCheck {
    /** Where the migrations are on the class path, as Flyway's {@code classpath:} location names it. */
    static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V([0-9_.]+)__(.+)\\.sql");
    private static final String HISTORY_EXISTS = "select to_regclass('flyway_schema_history') is not null";
    private static final String HISTORY = "select version, description, type, checksum, success"
            + " from flyway_schema_history";

    private SchemaCheck() {
    }

    /** A migration as Flyway records it once applied: version {@code 10}, description {@code admin api}. */
    record Migration(String version, String description, int checksum) {
    }

    /**
     * True when the history on {@code connection} records exactly {@code migrations}, all applied
     * successfully. A history that cannot be read is not up to date.
     */
    static boolean upToDate(Connection connection, List<Migration> migrations) {
        Map<String, Migration> expected = new HashMap<>();
        migrations.forEach(migration -> expected.put(migration.version(), migration));
        int rows = 0;
        try (PreparedStatement exists = connection.prepareStatement(HISTORY_EXISTS);
             ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return false;
            }
            try (PreparedStatement history = connection.prepareStatement(HISTORY);
                 ResultSet row = history.executeQuery()) {
                while (row.next()) {
                    rows++;
                    Migration local = expected.get(row.getString("version"));
                    int checksum = row.getInt("checksum");
                    if (local == null || row.wasNull() || checksum != local.checksum()
                            || !local.description().equals(row.getString("description"))
                            || !"SQL".equals(row.getString("type")) || !row.getBoolean("success")) {
                        return false;
                    }
                }
            }
        } catch (SQLException e) {
            return false;
        }
        return rows == expected.size();
    }

    /** This build's versioned migrations, as Flyway reads them from {@link #LOCATION}. */
    static List<Migration> local() {
        URL location = Objects.requireNonNull(SchemaCheck.class.getClassLoader().getResource(LOCATION), LOCATION);
        List<Migration> migrations = new ArrayList<>();
        try {
            for (String name : names(location)) {
                Matcher versioned = VERSIONED.matcher(name);
                if (versioned.matches()) {
                    try (InputStream in = Objects.requireNonNull(
                            SchemaCheck.class.getClassLoader().getResourceAsStream(LOCATION + "/" + name), name)) {
                        migrations.add(new Migration(versioned.group(1).replace('_', '.'),
                                versioned.group(2).replace('_', ' '), checksum(in)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return migrations;
    }

    /**
     * Flyway's checksum of a migration: CRC-32 over its lines' UTF-8 bytes, without line breaks
     * or a byte-order mark.
     */
    static int checksum(InputStream sql) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(sql, StandardCharsets.UTF_8));
        boolean first = true;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (first && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            first = false;
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    /** The file names in {@code location}: a folder of the class path, or one inside a jar. */
    private static List<String> names(URL location) throws IOException {
        if (location.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) location.openConnection();
            String entry = connection.getEntryName();
            String prefix = entry.endsWith("/") ? entry : entry + "/";
            JarFile jar = connection.getJarFile();
            return jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(name -> name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0)
                    .map(name -> name.substring(prefix.length())).filter(name -> !name.isEmpty()).toList();
        }
        try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
            return files.map(file -> file.getFileName().toString()).toList();
        } catch (URISyntaxException e) {
            throw new IOException(location + ": " + e.getMessage(), e);
        }
    }
}
