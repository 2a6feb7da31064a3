package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.StoppablePostgres;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the packaged jar: a large tenant is imported (default JVM flags, as a user runs it) and
 * listed (the heap pinned at {@value #LISTING_HEAP}) within 300 MB of resident memory, and a
 * connection lost in the middle of an import is one line on stderr, with the detail only when asked
 * for. The tenant's rows hold about {@value #NAME_CHARS} characters each, about 2.3 times the
 * pinned heap in all: a listing that held them (all rows buffered by the driver for want of a fetch
 * size, or collected before printing) runs out of heap, whatever the host's memory.
 */
class LargeTenantIT {
    private static final int ROWS = 50_000;
    private static final int NAME_CHARS = 3_000;
    private static final String LISTING_HEAP = "-Xmx64m";
    private static final long RSS_LIMIT_KIB = 300 * 1024;

    @TempDir
    Path dir;

    @Test
    void aLargeTenantIsImportedAndListedInBoundedMemory() throws Exception {
        Map<String, String> env = Map.of();
        String dataDir = EmbeddedDatabases.create(dir.resolve("data")).toString();
        assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "big", "--data-dir", dataDir).exit());
        Path csv = dir.resolve("big.csv");
        String padding = "n".repeat(NAME_CHARS);
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("alias,name,email\n");
            for (int i = 0; i < ROWS; i++) {
                w.write("big-" + i + ",\"Customer " + i + ", Big " + padding + "\",c" + i + "@big.example\n");
            }
        }

        Path out = dir.resolve("out.txt");
        JarProcess.Measured imported = JarProcess.runMeasured(env, out, "customer", "import", "--tenant", "big",
                "--data-dir", dataDir, csv.toString());
        assertEquals(0, imported.exit(), imported::toString);
        assertEquals("imported big.csv into tenant big: " + ROWS + " created, 0 updated, 0 skipped (unchanged)",
                Files.readString(out).strip());
        assertBounded("import", imported);

        JarProcess.Measured json = JarProcess.runMeasured(List.of(LISTING_HEAP), env, out, "customer", "list",
                "--tenant", "big", "--json", "--data-dir", dataDir);
        assertEquals(0, json.exit(), json::toString);
        assertBounded("list --json", json);
        assertEquals(ROWS, jsonObjects(out), "one JSON array with every customer");

        JarProcess.Measured plain = JarProcess.runMeasured(List.of(LISTING_HEAP), env, out, "customer", "list",
                "--tenant", "big", "--data-dir", dataDir);
        assertEquals(0, plain.exit(), plain::toString);
        assertBounded("list", plain);
        try (Stream<String> lines = Files.lines(out)) {
            List<Integer> lengths = lines.skip(1).map(String::length).distinct().toList();
            assertEquals(1, lengths.size(), "every row padded to the same columns: " + lengths);
        }
        try (Stream<String> lines = Files.lines(out)) {
            assertEquals(ROWS + 1, lines.count());
        }
    }

    @Test
    void aConnectionLostWhileImportingIsOneLineUnlessDebugIsAsked() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres().start()) {
            Map<String, String> env = Map.of("DATABASE_URL", postgres.jdbcUrl(), "DATABASE_USER", "postgres");
            assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "doomed").exit());
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE FUNCTION die() RETURNS trigger AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid());"
                        + " RETURN NEW; END $$ LANGUAGE plpgsql");
                s.execute("CREATE TRIGGER die BEFORE INSERT ON customer FOR EACH ROW EXECUTE FUNCTION die()");
            }
            Path csv = Files.writeString(dir.resolve("doomed.csv"), "alias,name,email\nfirst,,\n");

            JarProcess.Result quiet = JarProcess.run(env, "customer", "import", "--tenant", "doomed", csv.toString());
            assertEquals(1, quiet.exit(), quiet::toString);
            assertEquals("", quiet.out());
            assertEquals(List.of("error: database: FATAL: terminating connection due to administrator command"),
                    quiet.err().strip().lines().toList());

            Map<String, String> debug = new java.util.HashMap<>(env);
            debug.put("PORTAL_LOG_LEVEL", "debug");
            JarProcess.Result detailed = JarProcess.run(debug, "customer", "import", "--tenant", "doomed", csv.toString());
            assertEquals(1, detailed.exit(), detailed::toString);
            List<String> lines = detailed.err().strip().lines().toList();
            assertEquals("error: database: FATAL: terminating connection due to administrator command",
                    lines.get(lines.size() - 1));
            assertTrue(detailed.err().contains("customer import failed"), detailed::toString);
            assertTrue(detailed.err().contains("\tat dev.portaltoken.customer.CustomerImporter"), detailed::toString);

            assertFalse(JarProcess.run(env, "customer", "list", "--tenant", "doomed").out().contains("first"),
                    "nothing was imported");
        }
    }

    private static void assertBounded(String what, JarProcess.Measured run) {
        System.out.printf("%s of %d rows: peak RSS %d MiB%n", what, ROWS, run.peakRssKib() / 1024);
        assertTrue(run.peakRssKib() > 0, "RSS was sampled");
        assertTrue(run.peakRssKib() < RSS_LIMIT_KIB, what + ": " + run);
    }

    private static long jsonObjects(Path file) throws Exception {
        long objects = 0;
        try (JsonParser parser = new ObjectMapper().createParser(file.toFile())) {
            assertEquals(JsonToken.START_ARRAY, parser.nextToken());
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                assertEquals(JsonToken.START_OBJECT, token);
                parser.skipChildren();
                objects++;
            }
            assertEquals(null, parser.nextToken(), "nothing after the array");
        }
        return objects;
    }
}
