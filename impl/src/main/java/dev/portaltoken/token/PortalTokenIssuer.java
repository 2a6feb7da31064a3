package dev.portaltoken.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Mints portal tokens: a compact JWS with {@code iss}, {@code aud}, {@code sub} (the {@code cus_}
 * id), {@code iat}, {@code exp}, a unique {@code jti}, {@code tenant_id} and upstream's
 * {@code resource: {"Customer": uuid}} claim, signed by the Nimbus {@link com.nimbusds.jose.JWSSigner}
 * of the key current at the time and carrying its {@code kid}. Thread-safe.
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
    /** {@code {"iss":"...","aud":"...","sub":"}, JSON-encoded once. */
    private final String claimsPrefix;
    private final Clock clock;

    /** @param currentKey the key to sign with now; called once per token, must be cheap and thread-safe */
    public PortalTokenIssuer(Supplier<SigningKey> currentKey, String issuer, String audience, Clock clock) {
        this.currentKey = currentKey;
        this.claimsPrefix = claimsPrefix(issuer, audience);
        this.clock = clock;
    }

    public String mint(UUID tenantId, UUID customerId, TokenLifetime lifetime) {
        long now = clock.instant().getEpochSecond();
        SigningKey key = currentKey.get();
        byte[] claims = claims(tenantId, customerId, now, now + lifetime.seconds());
        String signingInput = key.encodedHeader() + "." + BASE64URL.encodeToString(claims);
        try {
            Base64URL signature = key.signer().sign(key.header(), signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    private byte[] claims(UUID tenantId, UUID customerId, long issuedAt, long expiresAt) {
        return new StringBuilder(claimsPrefix.length() + 200).append(claimsPrefix)
                .append(CustomerIds.format(customerId))
                .append("\",\"iat\":").append(issuedAt)
                .append(",\"exp\":").append(expiresAt)
                .append(",\"jti\":\"").append(Uuids.unique())
                .append("\",\"tenant_id\":\"").append(tenantId)
                .append("\",\"resource\":{\"Customer\":\"").append(customerId)
                .append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String claimsPrefix(String issuer, String audience) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("iss", issuer);
            json.writeStringField("aud", audience);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String object = out.toString(StandardCharsets.UTF_8); // {"iss":"...","aud":"..."}: reopened below
        return object.substring(0, object.length() - 1) + ",\"sub\":\"";
    }
}
