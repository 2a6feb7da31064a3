package dev.portaltoken.meteroid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.StandInMeteroid;
import dev.portaltoken.support.StandInMeteroid.Customer;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code customer sync} against a stand-in of upstream's customer list (every answer checked against
 * upstream's document): what it changes, what it never touches, a failure half way and the rerun that
 * resumes it, and the API key that is stored sealed and never shown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeteroidSyncTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.server(Map.of()).tenant("acme");
    private static final String API_KEY = newApiKey();
    private static TestServer server;
    private static StandInMeteroid.Customers upstream;
    private static StandInMeteroid meteroid;

    /** A key of upstream's form, {@code pv_<env>_<secret>/<id>}. */
    static String newApiKey() {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String key = "pv_sand_" + secret + "/7n42DGM5Tflk9n8mt7Fhc7";
        RuntimeSecrets.record("Meteroid API key", key);
        return key;
    }

    @BeforeAll
    static void connect(@TempDir Path dir) throws Exception {
        server = acme.server();
        upstream = new StandInMeteroid.Customers();
        meteroid = StandInMeteroid.start(API_KEY, upstream);
        Path key = Files.writeString(dir.resolve("key.txt"), API_KEY);
        CliRun.Result connected = server.cli("meteroid", "connect", "--tenant", "acme", "--api-url",
                meteroid.url().toString(), "--api-key-file", key.toString());
        assertEquals(0, connected.exit(), connected::toString);
        assertNoKeyIn(connected);
    }

    @AfterEach
    void everyAnswerConformed() {
        assertEquals(List.of(), meteroid.violations());
    }

    @AfterAll
    static void stop() {
        meteroid.close();
    }

    private static void assertNoKeyIn(CliRun.Result result) {
        String secret = API_KEY.substring("pv_sand_".length(), API_KEY.indexOf('/'));
        assertFalse(result.out().contains(secret) || result.err().contains(secret), "the API key was shown: " + result);
    }

    private static CliRun.Result sync() {
        CliRun.Result result = server.cli("customer", "sync", "--tenant", "acme");
        assertNoKeyIn(result);
        return result;
    }

    private static String row(UUID id) throws Exception {
        try (var c = server.sql(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT coalesce(alias, '-') || '|' || coalesce(name, '-') || '|' || coalesce(email, '-') || '|'"
                        + " || (archived_at IS NOT NULL) FROM customer WHERE id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Customer customer(String name, String alias, String email) {
        return new Customer(UUID.randomUUID(), name, alias, email);
    }

    @Test
    @Order(1)
    void aSyncCreatesRenamesChangesAliasesArchivesAndUnarchivesOnlyCustomersFromUpstream() throws Exception {
        Customer renamed = customer("Old name", "renamed-co", "a@renamed.example");
        Customer realiased = customer("Realiased", "old-alias", null);
        Customer archived = customer("Archived", "archived-co", null);
        Customer unarchived = customer("Unarchived", null, null);
        // a customer made here by hand, and one that upstream lists under an id made here
        String local = server.createCustomer("acme", "local-only");
        String shared = server.createCustomer("acme", "made-here");
        Customer sharedUpstream = new Customer(CustomerIds.parse(shared).orElseThrow(), "Upstream's name", "upstream-alias", null);
        for (Customer c : List.of(renamed, realiased, archived, unarchived, sharedUpstream)) {
            upstream.add(c);
        }
        CliRun.Result first = sync();
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.lastLine().startsWith("synced tenant acme with Meteroid: 4 created,"), first::toString);
        assertTrue(first.lastLine().contains("1 not from Meteroid left alone"), first::toString);
        assertEquals("renamed-co|Old name|a@renamed.example|false", row(renamed.id()));
        assertEquals("made-here|-|-|false", row(sharedUpstream.id()), "a customer made here is never changed");

        upstream.replace(renamed.id(), new Customer(renamed.id(), "New name", "renamed-co", "b@renamed.example"));
        upstream.replace(realiased.id(), new Customer(realiased.id(), "Realiased", "new-alias", null));
        upstream.archive(archived.id());
        upstream.archive(unarchived.id());
        CliRun.Result second = sync();
        assertEquals(0, second.exit(), second::toString);
        assertEquals("synced tenant acme with Meteroid: 0 created, 1 renamed, 1 alias changed, 1 email changed,"
                + " 2 archived, 0 unarchived; 1 not from Meteroid left alone, 0 without their alias, 0 not listed",
                second.lastLine());
        assertEquals("renamed-co|New name|b@renamed.example|false", row(renamed.id()));
        assertEquals("new-alias|Realiased|-|false", row(realiased.id()));
        assertEquals("archived-co|Archived|-|true", row(archived.id()));

        upstream.unarchive(unarchived.id());
        CliRun.Result third = sync();
        assertTrue(third.lastLine().contains(" 0 archived, 1 unarchived;"), third::toString);
        assertEquals("-|Unarchived|-|false", row(unarchived.id()));
        assertEquals("local-only|-|-|false", row(CustomerIds.parse(local).orElseThrow()),
                "a customer upstream does not list, made here, is not archived");

        String status = server.cliOk("meteroid", "status", "--tenant", "acme");
        assertTrue(status.contains(third.lastLine().substring(third.lastLine().indexOf(": ") + 2)), status);
        String shown = server.cli("meteroid", "status", "--tenant", "acme").out();
        assertTrue(shown.contains("api key:        pv_sand_"), shown);
        assertFalse(shown.contains(API_KEY.substring(20, API_KEY.indexOf('/'))), shown);
    }

    @Test
    @Order(2)
    void theApiKeyIsStoredSealedNeverInClear() throws Exception {
        try (var c = server.sql(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT api_key_sealed, api_key_nonce, api_key_hint FROM meteroid_connection")) {
            assertTrue(rs.next());
            String sealed = new String(rs.getBytes(1), StandardCharsets.ISO_8859_1);
            assertFalse(sealed.contains(API_KEY.substring(8, 24)), "the sealed key holds no part of it in clear");
            assertEquals(12, rs.getBytes(2).length, "AES-GCM's nonce");
            assertTrue(rs.getString(3).length() < API_KEY.length() / 2, rs.getString(3));
        }
    }

    @Test
    @Order(3)
    void aFailureHalfWayChangesNothingAndTheRerunResumesWhereItStopped() throws Exception {
        List<Customer> many = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            Customer c = customer("Batch " + i, "batch-" + i, null);
            many.add(c);
            upstream.add(c);
        }
        long before = Sql.count(server::sql, "SELECT count(*) FROM customer");
        meteroid.failPage(false, 2, 401, 1); // pages 0 and 1 (200 customers) are read, then upstream refuses
        int requestsBefore = meteroid.requests();
        CliRun.Result failed = sync();
        assertEquals(1, failed.exit(), failed::toString);
        assertTrue(failed.err().contains("refused the API key (HTTP 401)"), failed::toString);
        assertEquals(before, Sql.count(server::sql, "SELECT count(*) FROM customer"), "nothing was applied");
        assertEquals(3, meteroid.requests() - requestsBefore);

        int requestsAtRerun = meteroid.requests();
        CliRun.Result resumed = sync();
        assertEquals(0, resumed.exit(), resumed::toString);
        assertTrue(resumed.err().contains("resuming an interrupted sync: 200 customers listed, at page 2"), resumed::toString);
        assertEquals(2, meteroid.requests() - requestsAtRerun, "page 2 of the unarchived, page 0 of the archived");
        assertTrue(resumed.lastLine().contains("250 created"), resumed::toString);
        for (Customer c : List.of(many.get(0), many.get(199), many.get(249))) {
            assertEquals(c.alias() + "|" + c.name() + "|-|false", row(c.id()));
        }
        assertEquals(0, Sql.count(server::sql, "SELECT count(*) FROM meteroid_sync_row"), "the staged rows are gone");
    }

    @Test
    @Order(4)
    void aWrongKeyOrAnUnreachableUpstreamIsAClearFailureThatChangesNothing() throws Exception {
        upstream.add(customer("Never", "never-co", null));
        long before = Sql.count(server::sql, "SELECT count(*) FROM customer");
        CliRun.Result unknownTenant = server.cli("customer", "sync", "--tenant", "nobody");
        assertEquals(1, unknownTenant.exit(), unknownTenant::toString);
        server.createTenant("unconnected");
        CliRun.Result unconnected = server.cli("customer", "sync", "--tenant", "unconnected");
        assertTrue(unconnected.err().contains("not connected to Meteroid"), unconnected::toString);
        meteroid.failPage(false, 0, 401, 1);
        CliRun.Result refused = sync();
        assertTrue(refused.err().contains("refused the API key (HTTP 401)"), refused::toString);
        assertEquals(before, Sql.count(server::sql, "SELECT count(*) FROM customer"));
    }
}
