package dev.portaltoken.token;

import dev.portaltoken.keys.TokenLifetime;
import dev.portaltoken.keys.SigningKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The claims of a minted token are exactly the specified ones, whatever the configured iss and aud hold. */
class PortalTokenIssuerTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void claimsAreValidJsonWithTheConfiguredIssuerAndAudienceEscaped() throws Exception {
        String issuer = "https://issuer.example/\"quoted\" \\ back\tslash ü €";
        String audience = "aud}with{braces\u0001";
        UUID tenant = UUID.randomUUID();
        UUID customer = UUID.randomUUID();
        PortalTokenIssuer issuerOf = new PortalTokenIssuer(() -> SigningKey.hmac(SECRET), issuer,
                new TokenAudience(Optional.of(audience)),
                new TokenIds(Clock.fixed(Instant.ofEpochSecond(1_795_848_106L), ZoneOffset.UTC)));
        String token = issuerOf.mint(tenant, customer, TokenLifetime.ofNullable(3600), Scopes.ofNullable(null)).token();

        SignedJWT jwt = SignedJWT.parse(token);
        assertTrue(jwt.verify(new MACVerifier(SECRET)));
        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertEquals(List.of("iss", "aud", "sub", "iat", "exp", "jti", "tenant_id", "resource", "scope"),
                List.copyOf(iterable(claims)));
        assertEquals(issuer, claims.get("iss").asText());
        assertEquals(audience, claims.get("aud").asText());
        assertEquals(CustomerIds.format(customer), claims.get("sub").asText());
        assertEquals(1_795_848_106L, claims.get("iat").asLong());
        assertEquals(1_795_848_106L + 3600, claims.get("exp").asLong());
        assertEquals(tenant.toString(), claims.get("tenant_id").asText());
        assertEquals(customer.toString(), claims.get("resource").get("Customer").asText());
        assertEquals(1, claims.get("resource").size());
        assertEquals("read manage", claims.get("scope").asText());
        UUID.fromString(claims.get("jti").asText());
        assertEquals(customer.toString(), jwt.getJWTClaimsSet().getJSONObjectClaim("resource").get("Customer"));
        assertEquals(List.of(audience), jwt.getJWTClaimsSet().getAudience());
        assertNotEquals(claims.get("jti").asText(), new ObjectMapper().readTree(Base64.getUrlDecoder().decode(
                issuerOf.mint(tenant, customer, TokenLifetime.ofNullable(null), Scopes.ofNullable(null)).token()
                        .split("\\.")[1])).get("jti").asText(),
                "every token has its own jti");
    }

    @Test
    void theScopeClaimNamesEachGrantedScopeOnceInTheOrderReadManage() throws Exception {
        PortalTokenIssuer issuerOf = new PortalTokenIssuer(() -> SigningKey.hmac(SECRET), "https://issuer.example",
                new TokenAudience(Optional.empty()), new TokenIds(Clock.systemUTC()));
        Map<List<Scope>, String> expected = Map.of(
                List.of(Scope.READ), "read",
                List.of(Scope.MANAGE), "manage",
                List.of(Scope.MANAGE, Scope.READ, Scope.MANAGE), "read manage");
        for (Map.Entry<List<Scope>, String> scopes : expected.entrySet()) {
            String token = issuerOf.mint(UUID.randomUUID(), UUID.randomUUID(), TokenLifetime.ofNullable(null),
                    Scopes.ofNullable(scopes.getKey())).token();
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertEquals(scopes.getValue(), claims.get("scope").asText(), scopes.getKey().toString());
            assertEquals(null, claims.get("aud"), "HS256 tokens carry no aud unless one is configured");
        }
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
