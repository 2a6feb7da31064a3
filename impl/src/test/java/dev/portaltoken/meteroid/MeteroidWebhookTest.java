package dev.portaltoken.meteroid;

import static dev.portaltoken.support.Replies.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Webhooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook receiver through real HTTP against the started server and PostgreSQL, with messages
 * signed by Standard Webhooks' own Java library ({@link Webhooks}) and bodies checked against
 * upstream's published document: what a message creates, what it leaves alone (replays, existing
 * customers, other event types) and every refusal, which changes nothing.
 */
class MeteroidWebhookTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), "taken-alias").tenant("globex");
    private static final String PATH = "/webhooks/meteroid/acme";
    private static TestServer server;
    private static Http http;
    private static Webhooks meteroid;
    private static Webhooks rotatedAway;

    @BeforeAll
    static void connect(@TempDir Path dir) throws Exception {
        server = acme.server();
        http = acme.http();
        rotatedAway = Webhooks.newSecret();
        meteroid = Webhooks.newSecret();
        Path secret = Files.writeString(dir.resolve("whsec.txt"), meteroid.secret() + "\n");
        server.cliOk("meteroid", "connect", "--tenant", "acme", "--api-url", "https://api.meteroid.example",
                "--webhook-secret-file", secret.toString());
    }

    private static Http.Reply send(String path, Map<String, String> headers, String body) {
        return http.send("POST", path, withJson(headers), Webhooks.bytes(body));
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return all;
    }

    private static Http.Reply deliver(String messageId, String body) {
        return send(PATH, meteroid.headers(messageId, Instant.now(), body), body);
    }

    private static String outcome(Http.Reply reply) {
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("outcome").asText();
    }

    private static long customers(String where) throws Exception {
        return Sql.count(server::sql, "SELECT count(*) FROM customer c JOIN tenant t ON t.id = c.tenant_id"
                + " WHERE t.slug = 'acme' AND " + where);
    }

    private static String newId() {
        return CustomerIds.format(UUID.randomUUID());
    }

    private static String row(String cusId) throws Exception {
        UUID id = CustomerIds.parse(cusId).orElseThrow();
        try (var c = server.sql(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT coalesce(alias, '-') || '|' || coalesce(name, '-') || '|' || coalesce(email, '-')"
                        + " || '|' || (SELECT count(*) FROM meteroid_customer m WHERE m.customer_id = customer.id)"
                        + " FROM customer WHERE id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void customerCreatedCreatesTheCustomerWithUpstreamsIdAliasNameAndEmailLinkedToUpstream() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Zoe & Co", "zoe-co", "billing@zoe.example", null);
        assertEquals("created", outcome(deliver("msg_created_1", body)));
        assertEquals("zoe-co|Zoe & Co|billing@zoe.example|1", row(id));
        // the customer can be given a portal link at once, by id and by alias
        assertEquals(200, http.mint(acme.key(), id, "{}").status());
        assertEquals(200, http.mint(acme.key(), "zoe-co", "{}").status());
    }

    @Test
    void aReplayAndACustomerThatExistsAreNoOpsAnswered200() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "First", "replayed-alias", null, null);
        Map<String, String> headers = meteroid.headers("msg_replay_1", Instant.now(), body);
        assertEquals("created", outcome(send(PATH, headers, body)));
        assertEquals("replayed", outcome(send(PATH, headers, body)), "the same message again");
        // a retry of the same message id, sent later with a new timestamp and even another body
        String changed = Webhooks.customerCreated(newId(), "Other", null, null, null);
        assertEquals("replayed", outcome(deliver("msg_replay_1", changed)));
        // another message about a customer that exists here
        String renamed = Webhooks.customerCreated(id, "Renamed", "another-alias", null, null);
        assertEquals("already_exists", outcome(deliver("msg_replay_2", renamed)));
        assertEquals("replayed-alias|First|-|1", row(id));
        assertEquals(1, customers("c.name IN ('First', 'Other', 'Renamed')"));
    }

    @Test
    void membersNewerSendersAddAreIgnoredAndAnAliasHeldHereIsLeftOff() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Newer", "taken-alias", "not an email", "\"shipping_address\":"
                + "{\"city\":\"Lyon\"},\"custom_taxes\":[{\"rate\":\"0.2\"}],\"vip\":true");
        assertEquals("created_without_alias", outcome(deliver("msg_newer_1", body)));
        assertEquals("-|Newer|-|1", row(id));
        assertEquals(1, customers("c.alias = 'taken-alias'"), "the existing customer keeps its alias");
    }

    @Test
    void otherEventTypesAreAcknowledgedAndIgnored() throws Exception {
        long before = customers("true");
        for (String type : new String[] {"subscription.created", "invoice.finalized", "customer.updated", "x"}) {
            String body = "{\"id\":\"evt_1\",\"type\":\"" + type + "\",\"customer_id\":\"" + newId() + "\",\"name\":\"N\"}";
            assertEquals("ignored", outcome(deliver("msg_other_" + type, body)), type);
        }
        assertEquals(before, customers("true"));
    }

    @Test
    void theOlderSvixHeadersAndRotationWithSeveralSignaturesAreAccepted() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Svix", null, null, null);
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = Map.of("svix-id", "msg_svix_1", "svix-timestamp", Long.toString(now),
                "svix-signature", rotatedAway.sign("msg_svix_1", now, body) + " " + meteroid.sign("msg_svix_1", now, body));
        assertEquals("created", outcome(send(PATH, headers, body)));
        assertEquals("-|Svix|-|1", row(id));
    }

    @Test
    void aBadSignatureIsA401ThatChangesNothing() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Forged", "forged", null, null);
        long now = Instant.now().getEpochSecond();
        Map<String, Map<String, String>> refusals = new LinkedHashMap<>();
        refusals.put("another secret", rotatedAway.headers("msg_bad_1", Instant.now(), body));
        Map<String, String> tampered = meteroid.headers("msg_bad_2", Instant.now(),
                body.replace("Forged", "Genuine"));
        refusals.put("a changed body", tampered);
        Map<String, String> otherId = meteroid.headers("msg_bad_3", Instant.now(), body);
        otherId.put("webhook-id", "msg_bad_3x");
        refusals.put("a changed id", otherId);
        refusals.put("no signature", Map.of("webhook-id", "msg_bad_4", "webhook-timestamp", Long.toString(now)));
        refusals.put("an unknown version", Map.of("webhook-id", "msg_bad_5", "webhook-timestamp", Long.toString(now),
                "webhook-signature", meteroid.sign("msg_bad_5", now, body).replace("v1,", "v2,")));
        refusals.put("six minutes old", meteroid.headers("msg_bad_6", Instant.now().minusSeconds(360), body));
        refusals.put("six minutes ahead", meteroid.headers("msg_bad_7", Instant.now().plusSeconds(360), body));
        for (Map.Entry<String, Map<String, String>> refusal : refusals.entrySet()) {
            Http.Reply reply = send(PATH, refusal.getValue(), body);
            assertError(reply, 401, "UNAUTHORIZED", "webhook not verified");
        }
        assertEquals(null, row(id), "nothing was created");
        assertEquals(0, Sql.count(server::sql, "SELECT count(*) FROM meteroid_webhook_message WHERE message_id LIKE 'msg_bad_%'"),
                "no refused message id was recorded, so the genuine message is not taken for a replay");
        assertEquals("created", outcome(deliver("msg_bad_2", body)), "the genuine message still goes through");
    }

    @Test
    void unknownTenantsTenantsWithoutASecretAndMalformedBodiesAreRefusedAndChangeNothing() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Lost", null, null, null);
        Map<String, String> headers = meteroid.headers("msg_lost_1", Instant.now(), body);
        assertError(send("/webhooks/meteroid/nobody", headers, body), 404, "NOT_FOUND", "nobody");
        assertError(send("/webhooks/meteroid/globex", headers, body), 404, "NOT_FOUND", "globex");

        String badId = "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"customer_id\":\"cus_not-an-id\",\"name\":\"Bad\"}";
        assertError(deliver("msg_malformed_1", badId), 400, "BAD_REQUEST", "customer_id");
        String badName = "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"customer_id\":\"" + id + "\",\"name\":7}";
        assertError(deliver("msg_malformed_2", badName), 400, "BAD_REQUEST", "name");
        assertError(deliver("msg_malformed_3", "{\"id\":\"evt_1\"}"), 400, "BAD_REQUEST", "type");
        assertError(deliver("msg_malformed_4", "[1,2]"), 400, "BAD_REQUEST", "JSON object");
        assertEquals(null, row(id));
        assertEquals(0, Sql.count(server::sql,
                "SELECT count(*) FROM meteroid_webhook_message WHERE message_id LIKE 'msg_malformed_%'"));
    }

    @Test
    void bodiesAreBounded() throws Exception {
        String id = newId();
        String body = Webhooks.customerCreated(id, "Big", null, null, "\"padding\":\"" + "x".repeat(17 * 1024) + "\"");
        assertError(deliver("msg_big_1", body), 400, "BAD_REQUEST", "larger than 16384 bytes");
        assertEquals(null, row(id));
    }
}
