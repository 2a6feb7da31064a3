package dev.portaltoken.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rotating and retiring keys with the CLI while one server (embedded PostgreSQL, generated key
 * encryption key, 1 s refresh) serves tokens. Every test works from whatever key is active, so the
 * order does not matter; only EdDSA keys exist here.
 */
class KeyRotationTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("PORTAL_KEY_REFRESH_SECONDS", "1"), "rotating");
    private static TestServer server;
    private static Http http;
    private static String apiKey;
    private static String customer;

    @BeforeAll
    static void start() {
        server = acme.server();
        http = acme.http();
        apiKey = acme.key();
        customer = acme.customer();
    }

    private static String mint() {
        Http.Reply reply = http.mint(apiKey, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static String rotate() {
        CliRun.Result result = server.cli("keys", "rotate");
        assertEquals(0, result.exit(), result::toString);
        return result.lastLine();
    }

    private static void awaitSigningWith(String kid) {
        Await.until(Await.PICKUP, "the server signs with " + kid, () -> kid.equals(Tokens.kid(mint())));
    }

    private static String column(String sql, String kid) throws Exception {
        try (Connection c = server.sql(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + kid);
                return rs.getString(1);
            }
        }
    }

    private static String listLine(String kid) {
        CliRun.Result list = server.cli("keys", "list");
        assertEquals(0, list.exit(), list::toString);
        return list.out().lines().filter(l -> l.startsWith(kid)).findFirst()
                .orElseThrow(() -> new AssertionError(kid + " not listed:\n" + list.out()));
    }

    @Test
    void tokensMintedAroundARotationUnderLoadAllVerifyThroughTheJwksAfterIt() throws Exception {
        String before = Tokens.kid(mint());
        Queue<String> tokens = new ConcurrentLinkedQueue<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int t = 0; t < 4; t++) {
            workers.add(load.submit(() -> {
                for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    Http.Reply reply = http.mint(apiKey, customer, null);
                    if (reply.status() == 200) {
                        tokens.add(reply.json().get("token").asText());
                    } else {
                        failures.add(reply.toString());
                    }
                }
            }));
        }
        String after;
        try {
            Await.until(Await.PICKUP, "the load is running", () -> tokens.size() >= 50);
            after = rotate();
            Await.until(Await.PICKUP, "tokens signed by the new key " + after + " come out",
                    () -> tokens.stream().anyMatch(t -> after.equals(Tokens.kid(t))));
            int soFar = tokens.size();
            Await.until(Await.PICKUP, "more tokens after the switch", () -> tokens.size() >= soFar + 50);
        } finally {
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get();
            }
            load.shutdown();
        }

        assertNotEquals(before, after);
        assertEquals(List.of(), List.copyOf(failures), "no request failed during the rotation");
        Set<String> kids = new HashSet<>();
        JWKSet jwks = Tokens.jwks(http);
        for (String token : tokens) {
            kids.add(Tokens.kid(token));
            Tokens.verifyWith(jwks, token);
        }
        assertEquals(Set.of(before, after), kids, "tokens of both keys were minted under load, all verify");
        assertEquals(after, Tokens.kid(mint()), "the old key no longer signs");

        String line = listLine(before);
        assertTrue(line.contains(" retiring "), line);
        Instant retiresAt = Instant.parse(line.substring(line.lastIndexOf(' ') + 1));
        Instant expected = Instant.now().plus(Duration.ofDays(30)).plus(Duration.ofHours(1));
        assertTrue(Duration.between(retiresAt, expected).abs().compareTo(Duration.ofMinutes(5)) < 0,
                "the old key stays published for the longest token lifetime and a margin: " + line);
        assertTrue(listLine(after).matches(after + " +EdDSA +active +\\S+Z +-"), listLine(after));
    }

    @Test
    void aRetiredKeysTokensStopVerifying() throws Exception {
        String token = mint();
        String old = Tokens.kid(token);
        String current = rotate();
        awaitSigningWith(current);
        Tokens.verifyWithJwks(http, token);
        assertEquals(0, server.cli("token", "verify", token).exit(), "a retiring key's tokens still verify");

        CliRun.Result retire = server.cli("keys", "retire", old);
        assertEquals(0, retire.exit(), retire::toString);
        assertTrue(retire.out().contains("key " + old + " is retired"), retire::toString);
        Await.until(Await.PICKUP, "the JWKS drops " + old, () -> Tokens.jwks(http).getKeyByKeyId(old) == null);
        assertNotNull(Tokens.jwks(http).getKeyByKeyId(current));

        CliRun.Result verify = server.cli("token", "verify", token);
        assertEquals(1, verify.exit(), verify::toString);
        assertEquals("error: invalid token: key " + old + " is retired", verify.err().strip());
        assertTrue(listLine(old).contains(" retired "), listLine(old));
        assertNull(column("SELECT private_key_sealed FROM signing_key WHERE kid = ?", old),
                "a retired key's private half is erased");

        CliRun.Result again = server.cli("keys", "retire", old);
        assertEquals(1, again.exit(), again::toString);
        assertEquals("error: key " + old + " is already retired", again.err().strip());
    }

    @Test
    void retiringKeysLeaveTheJwksOnTheirDateWithoutAnyCommand() throws Exception {
        String old = Tokens.kid(mint());
        String current = rotate();
        awaitSigningWith(current);
        assertNotNull(Tokens.jwks(http).getKeyByKeyId(old));
        try (Connection c = server.sql();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE signing_key SET retires_at = now() - interval '1 second' WHERE kid = ?")) {
            ps.setString(1, old);
            assertEquals(1, ps.executeUpdate());
        }
        Await.until(Await.PICKUP, "the JWKS drops " + old, () -> Tokens.jwks(http).getKeyByKeyId(old) == null);
        Await.until(Await.PICKUP, "the refresh marks " + old + " retired", () -> {
            try {
                return "retired".equals(column("SELECT state FROM signing_key WHERE kid = ?", old));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertNull(column("SELECT private_key_sealed FROM signing_key WHERE kid = ?", old));
        assertNotNull(Tokens.jwks(http).getKeyByKeyId(current));
    }

    @Test
    void theOnlyActiveKeyCannotBeRetired() throws Exception {
        String active = Tokens.kid(mint());
        CliRun.Result result = server.cli("keys", "retire", active);
        assertEquals(1, result.exit(), result::toString);
        assertEquals("error: key " + active + " is the only active key and cannot be retired; rotate first (keys rotate,"
                + " or POST /admin/v1/signing-keys/rotate)",
                result.err().strip());
        assertEquals("active", column("SELECT state FROM signing_key WHERE kid = ?", active));
        assertEquals(active, Tokens.kid(mint()));
    }

    @Test
    void unknownKidsAndAlgorithmsAreRefused() {
        CliRun.Result unknown = server.cli("keys", "retire", "no-such-kid");
        assertEquals(1, unknown.exit(), unknown::toString);
        assertEquals("error: no signing key with kid 'no-such-kid'", unknown.err().strip());
        CliRun.Result hs = server.cli("keys", "rotate", "--alg", "HS256");
        assertEquals(2, hs.exit(), hs::toString);
        assertTrue(hs.err().startsWith("error: --alg must be EdDSA or ES256, not 'HS256'"), hs::toString);
        assertEquals(1, hs.err().strip().lines().count(), hs::toString);
    }

    @Test
    void keysListShowsEveryKeyWithItsState() {
        String active = Tokens.kid(mint());
        CliRun.Result list = server.cli("keys", "list");
        assertEquals(0, list.exit(), list::toString);
        List<String> lines = list.out().lines().toList();
        assertTrue(lines.get(0).matches("kid +alg +state +created +retires_at"), lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.matches("[A-Za-z0-9_-]{43} +EdDSA +(active +\\S+Z +-|(retiring|retired) +\\S+Z +\\S+Z)"), line);
        }
        CliRun.Result json = server.cli("keys", "list", "--json");
        assertEquals(0, json.exit(), json::toString);
        assertTrue(json.out().strip().startsWith("[") && json.out().strip().endsWith("]"), json.out());
        assertTrue(json.out().contains("\"kid\" : \"" + active + "\""), json.out());
        assertTrue(json.out().contains("\"retires_at\""), json.out());
        assertEquals(1, lines.stream().filter(l -> l.contains(" active ")).count(), list::toString);
        assertTrue(listLine(active).contains(" active "));
        assertFalse(list.out().contains("\"d\""), "no private member is ever printed");
    }
}
