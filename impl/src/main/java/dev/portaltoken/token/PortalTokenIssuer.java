package dev.portaltoken.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
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
 * {@code aud}) are JSON-encoded once, by Jackson; the rest are numbers, UUIDs and {@code cus_} ids,
 * which need no escaping, appended as they are.
 */
public final class PortalTokenIssuer {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<SigningKey> currentKey;
    private final String issuer;
    private final TokenAudience audience;
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
        this.issuer = issuer;
        this.audience = audience;
        this.ids = ids;
    }

    public Minted mint(UUID tenantId, UUID customerId, TokenLifetime lifetime, Scopes scopes) {
        UUID jti = ids.next();
        long ticks = TokenIds.ticksOf(jti).orElseThrow();
        long now = Math.floorDiv(ticks, TokenIds.TICKS_PER_MILLI * 1000);
        long expiresAt = now + lifetime.seconds();
        SigningKey key = currentKey.get();
        byte[] claims = claims(audience.of(key.algorithm()), tenantId, customerId, now, expiresAt, jti, scopes);
        String signingInput = key.encodedHeader() + "." + BASE64URL.encodeToString(claims);
        try {
            Base64URL signature = key.signer().sign(key.header(), signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Minted(signingInput + "." + signature, jti, ticks, Instant.ofEpochSecond(expiresAt));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    private byte[] claims(Optional<String> aud, UUID tenantId, UUID customerId, long issuedAt, long expiresAt,
                          UUID jti, Scopes scopes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("iss", issuer);
            if (aud.isPresent()) {
                json.writeStringField("aud", aud.get());
            }
            json.writeStringField("sub", CustomerIds.format(customerId));
            json.writeNumberField("iat", issuedAt);
            json.writeNumberField("exp", expiresAt);
            json.writeStringField("jti", jti.toString());
            json.writeStringField("tenant_id", tenantId.toString());
            json.writeObjectFieldStart("resource");
            json.writeStringField("Customer", customerId.toString());
            json.writeEndObject();
            json.writeStringField("scope", scopes.claim());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
