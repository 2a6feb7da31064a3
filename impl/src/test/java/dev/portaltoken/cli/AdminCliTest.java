package dev.portaltoken.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin CLI against the same embedded data directory a running server uses. */
class AdminCliTest {
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of()).tenant("acme");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = fixture.server();
    }


    private static long count(String sql) throws Exception {
        return Sql.count(server::sql, sql);
    }

    private static void assertOneLineError(CliRun.Result result, int exit, String message) {
        assertEquals(exit, result.exit(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(1, result.err().strip().lines().count(), result::toString);
        assertTrue(result.err().startsWith("error: "), result::toString);
        assertTrue(result.err().contains(message), result::toString);
    }

    @Test
    void tenantCreateAndItsErrors() throws Exception {
        CliRun.Result ok = server.cli("tenant", "create", "--slug", "initech", "--name", "Initech",
                "--portal-url", "https://portal.initech.example");
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.lastLine().startsWith("created tenant initech"), ok::toString);
        long tenants = count("SELECT count(*) FROM tenant");
        assertOneLineError(server.cli("tenant", "create", "--slug", "initech"), 1, "already exists");
        assertOneLineError(server.cli("tenant", "create", "--slug", "Not A Slug"), 1, "slug must be");
        assertOneLineError(server.cli("tenant", "create", "--slug", "x", "--portal-url", "not-a-url"), 1,
                "must be an absolute http(s) URL");
        assertEquals(tenants, count("SELECT count(*) FROM tenant"), "nothing written by failed commands");
    }

    /** A tenant may be created with the id another system (Meteroid) knows it by; a taken or malformed id changes nothing. */
    @Test
    void tenantCreateWithAGivenId() throws Exception {
        String id = "0190a1b2-c3d4-7e5f-8000-" + String.format("%012x", System.nanoTime() & 0xffffffffffffL);
        CliRun.Result ok = server.cli("tenant", "create", "--slug", "meteroid-one", "--id", id);
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals("created tenant meteroid-one (id " + id + ")", ok.lastLine());
        assertEquals(1, count("SELECT count(*) FROM tenant WHERE slug = 'meteroid-one' AND id = '" + id + "'"));
        long tenants = count("SELECT count(*) FROM tenant");
        assertOneLineError(server.cli("tenant", "create", "--slug", "meteroid-two", "--id", id), 1,
                "error: a tenant with id " + id + " already exists");
        assertOneLineError(server.cli("tenant", "create", "--slug", "meteroid-one", "--id", id), 1,
                "error: a tenant with slug 'meteroid-one' already exists");
        assertOneLineError(server.cli("tenant", "create", "--slug", "meteroid-three", "--id", "1-2-3-4-5"), 1,
                "error: --id must be a UUID such as 0190a1b2-c3d4-7e5f-8000-000000000001, not '1-2-3-4-5'");
        assertEquals(tenants, count("SELECT count(*) FROM tenant"), "nothing written by failed commands");
    }

    @Test
    void apiKeyCreatePrintsTheKeyOnceAndStoresOnlyAHash() throws Exception {
        CliRun.Result result = server.cli("api-key", "create", "--tenant", "acme", "--name", "backend");
        assertEquals(0, result.exit(), result::toString);
        String key = result.lastLine();
        assertTrue(key.matches("pt_live_[0-9A-Za-z]{43}/[0-9A-Za-z]{1,22}"), key);
        String secret = key.substring(8, 51);
        try (Connection c = server.sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM api_key")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    String value = rs.getString(i);
                    assertFalse(value != null && value.contains(secret), "the secret is stored in column " + i);
                }
            }
        }
        assertEquals(1, count("SELECT count(*) FROM api_key WHERE secret_sha256 = sha256('" + secret + "'::bytea)"),
                "the SHA-256 of the secret is what is stored");
    }

    @Test
    void apiKeyErrors() throws Exception {
        long keys = count("SELECT count(*) FROM api_key");
        assertOneLineError(server.cli("api-key", "create", "--tenant", "nobody"), 1, "no tenant with slug 'nobody'");
        assertOneLineError(server.cli("api-key", "revoke", "--tenant", "acme", "2vIOgNg2ElyLMxWAPn6Xz"), 1,
                "no active API key");
        String key = server.createApiKey("acme");
        assertOneLineError(server.cli("api-key", "revoke", "--tenant", "acme", key), 1, "not an API key id");
        assertFalse(server.cli("api-key", "revoke", "--tenant", "acme", key).err().contains(key.substring(8, 51)),
                "a whole key given by mistake is not echoed");
        assertEquals(keys + 1, count("SELECT count(*) FROM api_key"));
        assertEquals(1, count("SELECT count(*) FROM api_key WHERE revoked_at IS NULL AND id = '"
                + dev.portaltoken.auth.ApiKeyFormat.parse(key).orElseThrow().id() + "'"),
                "a refused revoke leaves the key active");
    }

    @Test
    void customerCreatePrintsItsIdAndAliasesAreUniquePerTenant() throws Exception {
        server.createTenant("umbrella");
        CliRun.Result result = server.cli("customer", "create", "--tenant", "acme", "--alias", "dup",
                "--name", "Dup Ltd", "--email", "billing@dup.example");
        assertEquals(0, result.exit(), result::toString);
        String id = result.lastLine();
        assertTrue(CustomerIds.parse(id).isPresent(), id);
        assertEquals(1, count("SELECT count(*) FROM customer WHERE id = '" + CustomerIds.parse(id).get()
                + "' AND name = 'Dup Ltd' AND email = 'billing@dup.example'"));
        long customers = count("SELECT count(*) FROM customer");
        assertOneLineError(server.cli("customer", "create", "--tenant", "acme", "--alias", "dup"), 1,
                "already used");
        assertOneLineError(server.cli("customer", "create", "--tenant", "nobody", "--alias", "x"), 1,
                "no tenant with slug");
        assertOneLineError(server.cli("customer", "create", "--tenant", "acme", "--alias", "has space"), 1,
                "alias must be");
        assertOneLineError(server.cli("customer", "create", "--tenant", "acme", "--alias",
                CustomerIds.format(java.util.UUID.randomUUID())), 1, "has the form of a customer id");
        assertOneLineError(server.cli("customer", "create", "--tenant", "acme", "--email", "nope"), 1,
                "not an email address");
        assertEquals(customers, count("SELECT count(*) FROM customer"), "nothing written by failed commands");
        assertEquals(0, server.cli("customer", "create", "--tenant", "umbrella", "--alias", "dup").exit(),
                "the same alias is free in another tenant");
    }

    @Test
    void customerArchiveByAliasOrIdAndItsErrors() throws Exception {
        String byAlias = server.createCustomer("acme", "to-archive");
        String byId = server.createCustomer("acme", null);
        assertEquals(0, server.cli("customer", "archive", "--tenant", "acme", "to-archive").exit());
        assertEquals(0, server.cli("customer", "archive", "--tenant", "acme", byId).exit());
        assertEquals(2, count("SELECT count(*) FROM customer WHERE archived_at IS NOT NULL AND id IN ('"
                + CustomerIds.parse(byAlias).get() + "', '" + CustomerIds.parse(byId).get() + "')"));
        assertOneLineError(server.cli("customer", "archive", "--tenant", "acme", "to-archive"), 1,
                "no active customer");
        assertOneLineError(server.cli("customer", "archive", "--tenant", "nobody", byId), 1, "no tenant");
    }

    @Test
    void misuseIsAOneLineErrorWithExitCode2() {
        assertOneLineError(server.cli("tenant", "create"), 2, "Missing required option: '--slug=<slug>'");
        assertOneLineError(server.cli("bogus"), 2, "Unmatched argument");
        assertOneLineError(server.cli(), 2, "a command is required");
        assertOneLineError(server.cli("customer", "create", "--tenant", "acme", "--colour", "red"), 2, "Unknown option");
    }

    @Test
    void aBadDatabaseSettingIsAOneLineError() {
        java.util.Map<String, String> env = new java.util.HashMap<>(server.env());
        env.put("DATABASE_URL", "mysql://nope");
        assertOneLineError(CliRun.run(env, "tenant", "create", "--slug", "zzz"), 1, "DATABASE_URL: must be");
    }

    /** An unreachable external database: the driver's reason after "database:", as the README documents it. */
    @Test
    void anUnreachableDatabaseIsOneLineNamingTheDatabase() throws Exception {
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        CliRun.Result result = CliRun.run(Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/portal",
                "DATABASE_USER", "portal", "DATABASE_PASSWORD", "not-shown-anywhere"), "tenant", "list");
        assertOneLineError(result, 1, "error: database: Connection to 127.0.0.1:" + closed + " refused.");
        assertFalse(result.err().contains("pool") || result.err().contains("not-shown-anywhere"), result::toString);
    }

    /** Only serve creates a data directory's database: every other command refuses a directory without one, naming it. */
    @Test
    void everyCommandButServeRefusesADataDirectoryWithoutADatabase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.io.PrintStream nowhere = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        java.util.List<Object> leaves = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(Cli.tree(
                new Cli.Context(java.io.InputStream.nullInputStream(), nowhere, nowhere, Map.of(), false))));
        while (!todo.isEmpty()) {
            picocli.CommandLine command = todo.pop();
            if (command.getSubcommands().isEmpty()) {
                leaves.add(command.getCommandSpec().userObject());
            }
            todo.addAll(command.getSubcommands().values());
        }
        assertTrue(leaves.size() >= 20, leaves::toString);
        for (Object leaf : leaves) {
            assertTrue(leaf instanceof ServeCommand || leaf instanceof DatabaseCommand,
                    leaf.getClass() + " checks the data directory before opening it");
        }
        java.nio.file.Path missing = dir.resolve("elsewhere");
        assertOneLineError(CliRun.run(Map.of("DATA_DIR", missing.toString()), "api-key", "list", "--tenant", "acme"), 1,
                "no database in " + missing + " (only 'serve' creates one); point to yours with --data-dir DIR or"
                        + " DATA_DIR=DIR, or to an external one with DATABASE_URL");
        assertFalse(java.nio.file.Files.exists(missing));
        // A misused command line is a usage error (exit 2) first, wherever the database is.
        assertOneLineError(CliRun.run(Map.of("DATA_DIR", missing.toString()), "keys", "rotate", "--alg", "RS256"), 2,
                "--alg must be EdDSA or ES256, not 'RS256'");
    }
}
