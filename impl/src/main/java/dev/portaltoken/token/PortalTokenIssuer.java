package dev.portaltoken.token;

import dev.portaltoken.keys.TokenLifetime;
import dev.portaltoken.keys.SigningKey;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Mints portal tokens: a compact JWS with {@code iss}, {@code aud} (when the audience names one for
 * the key's algorithm: never for HS256 unless configured, as upstream's portal rejects any),
 * {@code sub} (the {@code cus_} id), {@code iat} and {@code exp} (whole seconds), a unique
 * {@code jti} (a UUIDv7 that also carries the issue time to a 4096th of a millisecond, which
 * revocation compares), {@code tenant_id} and upstream's {@code resource: {"Customer": uuid}} claim,
 * and {@code scope} (the granted scopes, space-separated), signed by the Nimbus
 * {@link com.nimbusds.jose.JWSSigner} of the key current at the time and carrying its {@code kid}.
 * Thread-safe.
 *
 * <p>The token is assembled here rather than by Nimbus's {@code SignedJWT}: the header is encoded
 * once per key, the claims are written straight to JSON, and the public parts are base64url-encoded
 * with the JDK's codec. Nimbus's claims model and its constant-time codec (meant for secrets) were
 * a quarter of the cost of a token request. The claims that come from configuration ({@code iss},
 * {@code aud}) are JSON-escaped once, by Jackson's encoder; the rest are numbers, UUIDs, {@code cus_}
 * ids and scope names, which need no escaping, appended as they are.
 */
public final class PortalTokenIssuer {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<SigningKey> currentKey;
    private final String issuerJson;
    private final TokenAudience audience;
    private final Map<JWSAlgorithm, String> audienceMembers = new ConcurrentHashMap<>();
    private final TokenIds ids;

    /** A minted token, with its id, the time it carries (ticks of 1/4096 ms) and its {@code exp}. */
    public record Minted(String token, UUID jti, long issuedTicks, Instant expiresAt) {
        @Override
        public String toString() {
            return "Minted[jti=" + jti + ", expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * @param currentKey the key to sign with now; called once per token, must be cheap and thread-safe
     * @param ids        the token ids, which also carry the issue time to a 4096th of a millisecond
     */
    public PortalTokenIssuer(Supplier<SigningKey> currentKey, String issuer, TokenAudience audience, TokenIds ids) {
        this.currentKey = currentKey;
        this.issuerJson = jsonString(issuer);
        this.audience = audience;
        this.ids = ids;
    }

    public Minted mint(UUID tenantId, UUID customerId, TokenLifetime lifetime, Scopes scopes) {
        return mint(tenantId, customerId, lifetime, scopes, Long.MIN_VALUE);
    }

    /** As {@link #mint(UUID, UUID, TokenLifetime, Scopes)}, issued at {@code notBeforeTicks} or later. */
    public Minted mint(UUID tenantId, UUID customerId, TokenLifetime lifetime, Scopes scopes, long notBeforeTicks) {
        UUID jti = ids.nextAtLeast(notBeforeTicks);
        long ticks = TokenIds.ticksOf(jti).orElseThrow();
        long now = Math.floorDiv(ticks, TokenIds.TICKS_PER_MILLI * 1000);
        long expiresAt = now + lifetime.seconds();
        SigningKey key = currentKey.get();
        byte[] claims = claims(audienceMember(key.algorithm()), tenantId, customerId, now, expiresAt, jti, scopes);
        String signingInput = key.encodedHeader() + "." + BASE64URL.encodeToString(claims);
        try {
            Base64URL signature = key.signer().sign(key.header(), signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Minted(signingInput + "." + signature, jti, ticks, Instant.ofEpochSecond(expiresAt));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /**
     * The claims as JSON. Only {@code iss} and {@code aud} can hold characters that need escaping:
     * they were encoded once; the rest are numbers, UUIDs, a {@code cus_} id and scope names.
     */
    private byte[] claims(String audience, UUID tenantId, UUID customerId, long issuedAt, long expiresAt, UUID jti,
                          Scopes scopes) {
        return new StringBuilder(320)
                .append("{\"iss\":").append(issuerJson).append(audience)
                .append(",\"sub\":\"").append(CustomerIds.format(customerId))
                .append("\",\"iat\":").append(issuedAt)
                .append(",\"exp\":").append(expiresAt)
                .append(",\"jti\":\"").append(jti)
                .append("\",\"tenant_id\":\"").append(tenantId)
                .append("\",\"resource\":{\"Customer\":\"").append(customerId)
                .append("\"},\"scope\":\"").append(scopes.claim())
                .append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code ,"aud":"<audience>"} for tokens of {@code algorithm}, JSON-escaped; empty when they carry none. */
    private String audienceMember(JWSAlgorithm algorithm) {
        return audienceMembers.computeIfAbsent(algorithm,
                a -> audience.of(a).map(aud -> ",\"aud\":" + jsonString(aud)).orElse(""));
    }

    /** The time the last token minted here carries, in ticks of 1/4096 ms (0 before the first). */
    public long lastIssuedTicks() {
        return ids.lastTicks();
    }

    private static String jsonString(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }
}
