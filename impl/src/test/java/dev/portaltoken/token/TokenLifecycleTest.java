package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token's life after minting, through real HTTP on two instances sharing one PostgreSQL:
 * introspection by a tenant's API key and by an operator portal key, revocation of one token and of
 * every token of a customer, their propagation between instances, and the bounded storage.
 *
 * <p>Instance {@code a} re-reads the revocations every second (the safety net for a lost
 * notification, and what deletes expired rows); {@code b} only every hour, so a revocation made
 * elsewhere reaches {@code b} within {@link #NOTIFIED} only through its notification.
 */
class TokenLifecycleTest {
    /** Set beside EdDSA, where it verifies nothing (IntrospectionTrustTest shows that). */
    private static final String SECRET = "lifecycle-test-shared-secret-0123456789";
    /** Opens the instances' signing key, with which tests sign tokens the server would not mint (expired ones). */
    private static final String KEK = TestServer.newKeyEncryptionKey();
    private static final Duration PROPAGATION = Duration.ofSeconds(10);
    /**
     * How long a notification may take to reach {@code b}: about 60 ms when idle, so this allows for
     * a loaded machine, and is 1/720 of {@code b}'s re-read interval, which cannot stand in for it.
     */
    private static final Duration NOTIFIED = Duration.ofSeconds(5);

    private static TestServer a;
    private static TestServer b;
    private static String acmeKey;
    private static String globexKey;
    private static String portalKey;
    private static String acmeCustomer;
    private static String globexCustomer;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("PORTAL_JWT_SECRET", SECRET, "PORTAL_TOKEN_ALG", "EdDSA",
                "PORTAL_KEY_REFRESH_SECONDS", "1", "PORTAL_KEY_ENCRYPTION_KEY", KEK);
        a = TestServer.start(with(env, "PORTAL_REVOCATIONS_REREAD_SECONDS", "1"));
        b = a.startAnother(with(env, "PORTAL_REVOCATIONS_REREAD_SECONDS", "3600"));
        a.createTenant("acme");
        a.createTenant("globex");
        acmeKey = a.createApiKey("acme");
        globexKey = a.createApiKey("globex");
        acmeCustomer = a.createCustomer("acme", "acme-1");
        globexCustomer = a.createCustomer("globex", "globex-1");
        portalKey = a.cliOk("portal-key", "create", "--name", "billing-portal");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(name, value);
        return all;
    }

    /** Waits until {@code b} honours a revocation made elsewhere, which only its notification can tell it in time. */
    private static void awaitNotifiedToB(String what, java.util.function.BooleanSupplier honoured) {
        long from = System.nanoTime();
        Await.until(NOTIFIED, what + " (b re-reads hourly: only the notification can have told it)", honoured);
        System.out.printf("%s: reached b in %d ms%n", what, (System.nanoTime() - from) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static String mint(TestServer server, String key, String customer) {
        Http.Reply reply = server.http().mint(key, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static Http.Reply introspect(TestServer server, String key, String token) {
        return server.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
    }

    private static boolean active(TestServer server, String key, String token) {
        Http.Reply reply = introspect(server, key, token);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    private static void assertInactive(Http.Reply reply) {
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("{\"active\":false}", reply.body(), "an inactive token answers exactly {\"active\": false}");
    }

    /** A token signed with the instances' own EdDSA key. */
    private static String ours(JWTClaimsSet claims) throws Exception {
        JWK key;
        try (Connection c = a.sql()) {
            key = RuntimeSecrets.signingKeys(c, KEK).get(0);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(Signers.signer(key, SignerProvider.BOUNCYCASTLE));
        return jwt.serialize();
    }

    /** The claims of a token as the server would mint it, for {@code customerId} of {@code tenantId}. */
    private static JWTClaimsSet.Builder claims(UUID tenantId, String customerId) {
        UUID customer = CustomerIds.parse(customerId).orElseThrow();
        return new JWTClaimsSet.Builder().issuer("portal-token-server").audience("customer-portal").subject(customerId)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString()).claim("tenant_id", tenantId.toString())
                .claim("resource", Map.of("Customer", customer.toString()));
    }

    private static UUID tenantId(String slug) throws Exception {
        try (Connection c = a.sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM tenant WHERE slug = '" + slug + "'")) {
            rs.next();
            return rs.getObject(1, UUID.class);
        }
    }

    @Test
    void aValidTokenIsActiveWithItsClaimsOnEveryInstanceForJsonAndFormBodies() throws Exception {
        String token = mint(a, acmeKey, acmeCustomer);
        JWTClaimsSet minted = SignedJWT.parse(token).getJWTClaimsSet();
        for (TestServer server : List.of(a, b)) {
            JsonNode body = introspect(server, acmeKey, token).json();
            assertTrue(body.get("active").asBoolean());
            assertEquals(acmeCustomer, body.get("sub").asText());
            assertEquals(minted.getStringClaim("tenant_id"), body.get("tenant_id").asText());
            assertEquals(CustomerIds.parse(acmeCustomer).orElseThrow().toString(), body.get("customer_id").asText());
            assertEquals(minted.getJWTID(), body.get("jti").asText());
            assertEquals(minted.getIssueTime().getTime() / 1000, body.get("iat").asLong());
            assertEquals(minted.getExpirationTime().getTime() / 1000, body.get("exp").asLong());
            assertEquals("portal-token-server", body.get("iss").asText());
            assertEquals(SignedJWT.parse(token).getHeader().getKeyID(), body.get("kid").asText());
            assertEquals(List.of("read", "manage"), List.of(body.get("scope").asText().split(" ")));
        }
        Http.Reply form = b.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + acmeKey),
                "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
        assertEquals(200, form.status(), form::toString);
        assertEquals(introspect(b, acmeKey, token).body(), form.body(), "the form body answers the same");
    }

    @Test
    void anythingNotCurrentlyValidIsExactlyInactive() throws Exception {
        String token = mint(a, acmeKey, acmeCustomer);
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        UUID acme = tenantId("acme");
        String expired = ours(claims(acme, acmeCustomer).issueTime(Date.from(Instant.now().minusSeconds(120)))
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build());
        String wrongSecret = token.substring(0, token.lastIndexOf('.')) + ".c2lnbmF0dXJl";
        for (String bad : List.of("garbage", "", "a.b.c", tampered, expired, wrongSecret, parts[0] + "." + parts[1] + ".")) {
            assertInactive(introspect(b, acmeKey, bad));
        }
        assertTrue(active(b, acmeKey, ours(claims(acme, acmeCustomer).build())),
                "the same token, unexpired, is active: it is the expiry that made the other inactive");
    }

    @Test
    void aTenantSeesOnlyItsOwnTokensAndAPortalKeySeesEveryTenantsButCanDoNothingElse() {
        String acmeToken = mint(a, acmeKey, acmeCustomer);
        String globexToken = mint(b, globexKey, globexCustomer);
        assertInactive(introspect(a, acmeKey, globexToken));
        assertInactive(introspect(b, globexKey, acmeToken));
        assertTrue(active(a, portalKey, acmeToken));
        assertTrue(active(b, portalKey, globexToken));

        Http.Reply mint = a.http().mint(portalKey, acmeCustomer, null);
        assertEquals(403, mint.status(), mint::toString);
        assertEquals("FORBIDDEN", mint.json().get("code").asText());
        Http.Reply revoke = a.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + portalKey),
                "{\"token\": \"" + acmeToken + "\"}", "application/json");
        assertEquals(403, revoke.status(), revoke::toString);
        Http.Reply revokeAll = a.http().post("/api/v1/customers/" + acmeCustomer + "/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + portalKey), null, null);
        assertEquals(403, revokeAll.status(), revokeAll::toString);
        assertTrue(active(a, acmeKey, acmeToken), "nothing a portal key tried changed the token");
    }

    @Test
    void aMissingOrWrongCredentialIs401AndAMissingTokenIs400() {
        String token = mint(a, acmeKey, acmeCustomer);
        Http.Reply none = a.http().post("/api/v1/portal-tokens/introspect", Map.of(), "{\"token\": \"" + token + "\"}",
                "application/json");
        assertEquals(401, none.status(), none::toString);
        Http.Reply wrong = introspect(a, acmeKey.substring(0, acmeKey.length() - 2) + "xx", token);
        assertEquals(401, wrong.status(), wrong::toString);
        for (String body : List.of("{}", "{\"token\": 5}", "[]", "not json", "{\"token\": null}")) {
            Http.Reply bad = a.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + acmeKey),
                    body, "application/json");
            assertEquals(400, bad.status(), () -> body + ": " + bad);
            assertEquals("BAD_REQUEST", bad.json().get("code").asText());
        }
        Http.Reply noForm = a.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + acmeKey),
                "other=1", "application/x-www-form-urlencoded");
        assertEquals(400, noForm.status(), noForm::toString);
    }

    @Test
    void aRevokedTokenIsInactiveOnEveryInstanceWithinTheNotificationBoundAndOthersAreUntouched() throws Exception {
        String token = mint(a, acmeKey, acmeCustomer);
        String other = mint(a, acmeKey, acmeCustomer);
        String globexToken = mint(a, globexKey, globexCustomer);
        assertTrue(active(b, acmeKey, token), "cached as verified on b before the revocation");

        Http.Reply foreign = a.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + acmeKey),
                "{\"token\": \"" + globexToken + "\"}", "application/json");
        assertEquals(200, foreign.status(), foreign::toString);
        assertEquals("{}", foreign.body());
        for (String nothing : List.of("garbage", token.substring(0, token.length() - 3))) {
            assertEquals(200, a.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + acmeKey),
                    "{\"token\": \"" + nothing + "\"}", "application/json").status());
        }
        assertTrue(active(a, globexKey, globexToken), "another tenant's token is left untouched where it was asked");

        Http.Reply revoked = a.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + acmeKey),
                "token=" + token, "application/x-www-form-urlencoded");
        assertEquals(200, revoked.status(), revoked::toString);
        assertInactive(introspect(a, acmeKey, token));
        awaitNotifiedToB("the revocation", () -> !active(b, acmeKey, token));
        // Notifications arrive in commit order: one for the foreign token would have arrived by now.
        assertTrue(active(b, globexKey, globexToken), "another tenant's token is left untouched everywhere");
        assertTrue(active(b, acmeKey, other), "only that token is revoked");
        CliRun.Result verify = a.cli("token", "verify", token);
        assertEquals(1, verify.exit(), verify::toString);
        assertEquals("error: invalid token: revoked", verify.err().strip());
    }

    @Test
    void revokingACustomersTokensEndsEveryEarlierOneButNotTheNext() throws Exception {
        String customer = a.createCustomer("acme", null);
        String first = mint(a, acmeKey, customer);
        String second = mint(b, acmeKey, customer);
        Http.Reply reply = a.http().post("/api/v1/customers/" + customer + "/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + acmeKey), null, null);
        assertEquals(200, reply.status(), reply::toString);
        Instant before = OffsetDateTime.parse(reply.json().get("revoked_before").asText()).toInstant();
        assertFalse(before.isAfter(Instant.now()), "revoked_before is the moment of the revocation");
        String next = mint(b, acmeKey, customer);
        assertFalse(active(a, acmeKey, first), "the instance asked honours it at once");
        awaitNotifiedToB("the customer's revocation", () -> !active(b, acmeKey, first));
        for (TestServer server : List.of(a, b)) {
            assertFalse(active(server, acmeKey, first));
            assertFalse(active(server, acmeKey, second));
            assertTrue(active(server, acmeKey, next), "a token minted afterwards stays active");
        }
        Http.Reply unknown = a.http().post("/api/v1/customers/cus_nope/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + acmeKey), null, null);
        assertEquals(404, unknown.status(), unknown::toString);
        Http.Reply foreign = a.http().post("/api/v1/customers/" + globexCustomer + "/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + acmeKey), null, null);
        assertEquals(404, foreign.status(), "another tenant's customer is the same 404 as for the mint");
    }

    @Test
    void invalidateExistingEndsTheCustomersEarlierTokensButNotTheNewOne() throws Exception {
        String customer = a.createCustomer("acme", null);
        String first = mint(a, acmeKey, customer);
        Http.Reply kept = b.http().mint(acmeKey, customer, "{\"invalidate_existing\": false}");
        assertEquals(200, kept.status(), kept::toString);
        String second = kept.json().get("token").asText();
        assertTrue(active(a, acmeKey, first) && active(a, acmeKey, second), "false (or absent) revokes nothing");

        Http.Reply fresh = a.http().mint(acmeKey, customer, "{\"invalidate_existing\": true, \"scopes\": [\"read\"]}");
        assertEquals(200, fresh.status(), fresh::toString);
        String third = fresh.json().get("token").asText();
        assertFalse(active(a, acmeKey, first) || active(a, acmeKey, second), "the instance asked honours it at once");
        awaitNotifiedToB("invalidate_existing", () -> !active(b, acmeKey, first) && !active(b, acmeKey, second));
        for (TestServer server : List.of(a, b)) {
            assertTrue(active(server, acmeKey, third), "the token minted with invalidate_existing stays active");
        }
        assertTrue(active(a, acmeKey, mint(a, acmeKey, acmeCustomer)), "other customers' tokens are untouched");

        Http.Reply bad = a.http().mint(acmeKey, customer, "{\"invalidate_existing\": \"yes\"}");
        assertEquals(400, bad.status(), bad::toString);
        assertEquals("invalidate_existing must be true, false or null, not a string", bad.json().get("message").asText());
        assertTrue(active(a, acmeKey, third), "a refused request changes nothing");
    }

    @Test
    void theCliRevokesATokenFromStandardInputAndEveryTokenOfACustomer() {
        String token = mint(a, acmeKey, acmeCustomer);
        CliRun.Result revoke = CliRun.runWithInput(a.env(), token + "\n", "token", "revoke");
        assertEquals(0, revoke.exit(), revoke::toString);
        assertFalse(revoke.out().contains(token), "the token is never printed");
        awaitNotifiedToB("the CLI's revocation", () -> !active(b, acmeKey, token));
        Await.until(PROPAGATION, "a honours it too", () -> !active(a, acmeKey, token));

        String customer = a.createCustomer("acme", "log-out-everywhere");
        String earlier = mint(b, acmeKey, customer);
        a.cliOk("customer", "revoke-tokens", "--tenant", "acme", "log-out-everywhere");
        awaitNotifiedToB("the CLI's customer revocation", () -> !active(b, acmeKey, earlier));
        assertTrue(active(b, acmeKey, mint(a, acmeKey, customer)));
        assertEquals(1, a.cli("customer", "revoke-tokens", "--tenant", "globex", "log-out-everywhere").exit(),
                "another tenant's customer is not found");
    }

    @Test
    void aLostAnnouncementIsMadeUpForByTheNextReRead() throws Exception {
        String token = mint(a, acmeKey, acmeCustomer);
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertTrue(active(b, acmeKey, token));
        try (Connection c = a.sql(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("ALTER TABLE revoked_token DISABLE TRIGGER token_revoked");
            s.execute("INSERT INTO revoked_token (jti, tenant_id, expires_at) VALUES ('" + claims.getJWTID() + "', '"
                    + claims.getStringClaim("tenant_id") + "', now() + interval '1 hour')");
            s.execute("ALTER TABLE revoked_token ENABLE TRIGGER token_revoked");
            c.commit();
        }
        Await.until(PROPAGATION, "a finds the silent revocation when it re-reads (every second)",
                () -> !active(a, acmeKey, token));
        assertTrue(active(b, acmeKey, token), "b, which re-reads hourly, was told nothing: the revocation was silent");
    }

    @Test
    void revocationRowsAreDeletedOnceTheirTokensHaveExpired() throws Exception {
        String token = mint(a, acmeKey, acmeCustomer);
        String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        a.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + acmeKey),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(1, count("SELECT count(*) FROM revoked_token WHERE jti = '" + jti + "'"));
        // The token's expiry passes (the clock cannot be moved, its row's date can), and growth stays bounded.
        try (Connection c = a.sql(); Statement s = c.createStatement()) {
            s.execute("UPDATE revoked_token SET expires_at = now() - interval '1 second' WHERE jti = '" + jti + "'");
            s.execute("UPDATE customer_revocation SET expires_at = now() - interval '1 second'");
        }
        Await.until(PROPAGATION, "the expired revocation rows are deleted",
                () -> count("SELECT count(*) FROM revoked_token WHERE expires_at <= now()") == 0
                        && count("SELECT count(*) FROM customer_revocation WHERE expires_at <= now()") == 0);
    }

    private static long count(String sql) {
        try (Connection c = a.sql(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
