package dev.portaltoken.cli;

import static dev.portaltoken.support.Replies.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** list/update/unarchive/import, with --json, against the embedded database a server is using. */
class AdminCliCompleteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of("PORTAL_API_KEY_CACHE_SECONDS", "0"));
    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = fixture.server();
    }


    private static JsonNode json(String... args) throws Exception {
        CliRun.Result result = server.cli(args);
        assertEquals(0, result.exit(), result::toString);
        JsonNode node = JSON.readTree(result.out());
        assertTrue(node.isArray(), "one JSON array and nothing else: " + result.out());
        return node;
    }

    @Test
    void tenantListAndUpdate() throws Exception {
        server.createTenant("listed", "--name", "Listed Ltd");
        JsonNode tenant = find(json("tenant", "list", "--json"), "slug", "listed");
        assertEquals(Set.of("id", "slug", "name", "portal_url", "created"), fieldNames(tenant));
        assertEquals("Listed Ltd", tenant.get("name").asText());
        assertTrue(tenant.get("portal_url").isNull());

        server.cliOk("tenant", "update", "--slug", "listed", "--portal-url", "https://portal.listed.example");
        assertEquals("https://portal.listed.example",
                find(json("tenant", "list", "--json"), "slug", "listed").get("portal_url").asText());
        String key = server.createApiKey("listed");
        String customer = server.createCustomer("listed", null);
        assertEquals("https://portal.listed.example", server.http().mint(key, customer, null).json()
                .get("portal_url").asText(), "the server uses the new portal URL");
        server.cliOk("tenant", "update", "--slug", "listed", "--clear-portal-url", "--name", "Renamed");
        JsonNode updated = find(json("tenant", "list", "--json"), "slug", "listed");
        assertTrue(updated.get("portal_url").isNull());
        assertEquals("Renamed", updated.get("name").asText());

        assertEquals(1, server.cli("tenant", "update", "--slug", "listed").exit(), "nothing to change");
        assertEquals(1, server.cli("tenant", "update", "--slug", "nobody", "--name", "x").exit());
        assertEquals(1, server.cli("tenant", "update", "--slug", "listed", "--portal-url", "nope").exit());

        CliRun.Result table = server.cli("tenant", "list");
        assertTrue(table.out().lines().findFirst().orElse("").matches("id\\s+slug\\s+name\\s+portal_url\\s+created"),
                table.out());
    }

    @Test
    void apiKeyListShowsHintsAndUseButNeverTheKey() throws Exception {
        server.createTenant("keys");
        String used = server.createApiKey("keys");
        String revoked = server.createApiKey("keys");
        String customer = server.createCustomer("keys", null);
        assertEquals(200, server.http().mint(used, customer, null).status());
        server.revokeApiKey("keys", revoked);

        CliRun.Result result = server.cli("api-key", "list", "--tenant", "keys", "--json");
        JsonNode keys = JSON.readTree(result.out());
        assertEquals(2, keys.size());
        assertEquals(Set.of("id", "hint", "name", "created", "last_used", "revoked"), fieldNames(keys.get(0)));
        JsonNode usedRow = find(keys, "id", used.substring(used.indexOf('/') + 1));
        JsonNode revokedRow = find(keys, "id", revoked.substring(revoked.indexOf('/') + 1));
        assertFalse(usedRow.get("last_used").isNull(), "last use recorded");
        assertTrue(usedRow.get("revoked").isNull());
        assertFalse(revokedRow.get("revoked").isNull());
        assertTrue(usedRow.get("hint").asText().startsWith(used.substring(0, 12)));
        for (String key : List.of(used, revoked)) {
            String secret = key.substring(8, 51);
            assertFalse(result.out().contains(secret), "a secret in the listing");
            assertFalse(server.cli("api-key", "list", "--tenant", "keys").out().contains(secret));
        }
    }

    @Test
    void customerListUpdateArchiveUnarchive() throws Exception {
        server.createTenant("people");
        String id = server.createCustomer("people", "alice");
        server.cliOk("customer", "update", "--tenant", "people", "alice", "--alias", "alice-2", "--name", "Alice",
                "--email", "alice@example.com");
        JsonNode alice = find(json("customer", "list", "--tenant", "people", "--json"), "id", id);
        assertEquals(Set.of("id", "alias", "name", "email", "created", "archived"), fieldNames(alice));
        assertEquals("alice-2", alice.get("alias").asText());
        assertEquals("Alice", alice.get("name").asText());
        server.cliOk("customer", "update", "--tenant", "people", id, "--email", "");
        assertTrue(find(json("customer", "list", "--tenant", "people", "--json"), "id", id).get("email").isNull(),
                "an empty value clears");

        String key = server.createApiKey("people");
        server.cliOk("customer", "archive", "--tenant", "people", "alice-2");
        assertFalse(find(json("customer", "list", "--tenant", "people", "--json"), "id", id).get("archived").isNull());
        assertEquals(404, server.http().mint(key, "alice-2", null).status());
        server.cliOk("customer", "unarchive", "--tenant", "people", "alice-2");
        assertTrue(find(json("customer", "list", "--tenant", "people", "--json"), "id", id).get("archived").isNull());
        assertEquals(200, server.http().mint(key, "alice-2", null).status(), "tokens again after unarchive");

        server.createCustomer("people", "bob");
        assertEquals(1, server.cli("customer", "update", "--tenant", "people", "bob", "--alias", "alice-2").exit());
        assertEquals(1, server.cli("customer", "unarchive", "--tenant", "people", "bob").exit(), "not archived");
        assertEquals(1, server.cli("customer", "update", "--tenant", "people", "bob").exit(), "nothing to change");
        assertEquals(1, server.cli("customer", "update", "--tenant", "people", "nobody", "--name", "x").exit());
    }

    @Test
    void importCreatesUpdatesAndSkips() throws Exception {
        server.createTenant("imports");
        server.createCustomer("imports", "existing");
        server.cliOk("customer", "update", "--tenant", "imports", "existing", "--name", "Same", "--email", "same@x.example");
        server.createCustomer("imports", "changing");
        Path csv = Files.writeString(dir.resolve("good.csv"), """
                alias,name,email
                existing,Same,same@x.example
                changing,New Name,new@x.example
                fresh-1,"Fresh, One",fresh1@x.example
                fresh-2,,
                """);
        CliRun.Result result = server.cli("customer", "import", "--tenant", "imports", csv.toString());
        assertEquals(0, result.exit(), result::toString);
        assertTrue(result.lastLine().contains("2 created, 1 updated, 1 skipped"), result::toString);
        JsonNode customers = json("customer", "list", "--tenant", "imports", "--json");
        assertEquals(4, customers.size());
        assertEquals("New Name", find(customers, "alias", "changing").get("name").asText());
        assertEquals("Fresh, One", find(customers, "alias", "fresh-1").get("name").asText());
        assertNull(find(customers, "alias", "fresh-2").get("name").textValue());

        CliRun.Result again = server.cli("customer", "import", "--tenant", "imports", csv.toString());
        assertTrue(again.lastLine().contains("0 created, 0 updated, 4 skipped"), again::toString);
    }

    @Test
    void aFileWithBadRowsImportsNothingAndNamesEachLine() throws Exception {
        server.createTenant("strict");
        Path csv = Files.writeString(dir.resolve("bad.csv"), """
                alias,name,email
                good-1,Good,good@x.example
                bad alias,Bad,bad@x.example
                good-2,Good,not-an-email
                good-1,Again,again@x.example
                ,No Alias,
                too,many,columns,here
                """);
        CliRun.Result result = server.cli("customer", "import", "--tenant", "strict", csv.toString());
        assertEquals(1, result.exit(), result::toString);
        assertEquals("", result.out());
        String err = result.err();
        assertTrue(err.contains("bad.csv: line 3: alias must be"), err);
        assertTrue(err.contains("bad.csv: line 4: email 'not-an-email' is not an email address"), err);
        assertTrue(err.contains("bad.csv: line 5: alias 'good-1' is also on line 2"), err);
        assertTrue(err.contains("bad.csv: line 6: alias is required"), err);
        assertTrue(err.contains("bad.csv: line 7: expected 3 columns"), err);
        assertTrue(err.strip().endsWith("error: 5 bad row(s) in bad.csv; nothing was imported"), err);
        assertEquals(0, json("customer", "list", "--tenant", "strict", "--json").size(), "all or nothing");

        Path header = Files.writeString(dir.resolve("header.csv"), "email,alias\nx@y.z,a\n");
        CliRun.Result wrongHeader = server.cli("customer", "import", "--tenant", "strict", header.toString());
        assertEquals(1, wrongHeader.exit());
        assertTrue(wrongHeader.err().contains("line 1: missing column 'name'; the header row names the columns alias,"
                + " name, email, in any order"), wrongHeader::toString);
        assertEquals(1, server.cli("customer", "import", "--tenant", "strict", dir.resolve("missing.csv").toString())
                .exit());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aHundredThousandRowsImport() throws Exception {
        server.createTenant("bulk");
        List<String> lines = new ArrayList<>(100_001);
        lines.add("alias,name,email");
        for (int i = 0; i < 100_000; i++) {
            lines.add("bulk-" + i + ",Customer " + i + ",c" + i + "@bulk.example");
        }
        Path csv = Files.write(dir.resolve("bulk.csv"), lines);
        long started = System.nanoTime();
        CliRun.Result result = CliRun.run(server.env(), true, "customer", "import", "--tenant", "bulk", csv.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, result.exit(), result::toString);
        assertTrue(result.lastLine().contains("100000 created, 0 updated, 0 skipped"), result::toString);
        assertTrue(result.err().contains("\rimporting: 100000/100000 rows"), "a progress line on a terminal");
        assertTrue(result.err().contains("\rimporting: 1000/100000 rows"), "updated as it goes");
        CliRun.Result quiet = server.cli("customer", "import", "--tenant", "bulk", csv.toString());
        assertTrue(!quiet.err().contains("importing:"), "no progress line when nobody watches: " + quiet.err());
        // Reported, not asserted: timings belong to benchmarks on this shared machine.
        System.out.printf("imported 100000 customers in %.1f s%n", seconds);
        String key = server.createApiKey("bulk");
        assertEquals(200, server.http().mint(key, "bulk-99999", null).status());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.path(field).asText())) {
                return node;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + array);
    }
}
