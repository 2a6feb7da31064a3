package dev.portaltoken.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How upstream's portal checks a portal token, written from {@code upstream-facts.md} ("How upstream's
 * portal checks the token"), independent of the server's code: the Rust {@code jsonwebtoken} crate
 * with {@code Validation::default()} and the required spec claims cleared, then upstream's claims
 * type and its own {@code exp} check.
 *
 * <ul>
 *   <li>three base64url parts without padding (and canonical: no stray bits);</li>
 *   <li>a header object whose values are all strings, {@code alg} HS256 (the only algorithm);</li>
 *   <li>an HMAC-SHA256 over {@code header.payload} with the raw UTF-8 bytes of the secret;</li>
 *   <li>no {@code aud} at all (no audience is configured, so any is {@code InvalidAudience});</li>
 *   <li>{@code exp} optional, but when present a non-negative JSON integer not in the past (60 s
 *       library leeway, then upstream's own check with none); {@code "exp": null} is rejected;</li>
 *   <li>{@code iat} a non-negative JSON integer (required), {@code tenant_id} a UUID string
 *       (required), {@code resource} exactly {@code {"Customer": "<uuid>"}} (required, that case);</li>
 *   <li>{@code iss}, {@code sub}, {@code nbf}, {@code jti} and unknown claims are ignored; a
 *       duplicate member is an error (serde).</li>
 * </ul>
 *
 * Stateless.
 */
public final class UpstreamPortal {
    /** The library's leeway on {@code exp}. */
    static final long LEEWAY_SECONDS = 60;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
    /** The forms the {@code uuid} crate parses: hyphenated, simple, braced and URN. */
    private static final Pattern UUID_TEXT = Pattern.compile("(?i)(?:urn:uuid:)?(?:"
            + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
            + "|\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}"
            + "|[0-9a-f]{32})");
    /** The reason for a token with an {@code aud} claim. */
    static final String INVALID_AUDIENCE = "it has an aud claim (InvalidAudience)";
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private UpstreamPortal() {
    }

    /** What upstream's portal reads from an accepted token. */
    public record Claims(long issuedAt, OptionalLong expiresAt, UUID tenantId, UUID customerId) {
    }

    /** A token upstream's portal refuses (it answers 403), with the reason. */
    public static final class Rejected extends AssertionError {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super("upstream's portal would reject this token: " + reason);
        }
    }

    /**
     * @param secret      the portal's configured secret string; its UTF-8 bytes are the HMAC key
     * @param nowSeconds  the portal's clock, in seconds since the epoch
     * @throws Rejected   with the first rule the token breaks
     */
    public static Claims accept(String token, String secret, long nowSeconds) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Rejected("not three parts");
        }
        byte[] headerBytes = base64url(parts[0], "header");
        byte[] payloadBytes = base64url(parts[1], "payload");
        byte[] signature = base64url(parts[2], "signature");

        JsonNode header = object(headerBytes, "header");
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (!member.getValue().isTextual()) {
                throw new Rejected("header member " + member.getKey() + " is not a string");
            }
        }
        if (!"HS256".equals(header.path("alg").asText(null))) {
            throw new Rejected("alg is not HS256 (InvalidAlgorithm)");
        }
        byte[] expected = hmacSha256(secret.getBytes(StandardCharsets.UTF_8),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(expected, signature)) {
            throw new Rejected("bad signature (InvalidSignature)");
        }

        JsonNode claims = object(payloadBytes, "claims");
        OptionalLong exp = OptionalLong.empty();
        if (claims.has("exp")) {
            long value = unsigned(claims.get("exp"), "exp");
            if (value < nowSeconds - LEEWAY_SECONDS || value < nowSeconds) {
                throw new Rejected("exp is in the past (ExpiredSignature)");
            }
            exp = OptionalLong.of(value);
        }
        if (!claims.has("iat")) {
            throw new Rejected("no iat");
        }
        long iat = unsigned(claims.get("iat"), "iat");
        UUID tenant = uuid(claims.get("tenant_id"), "tenant_id");
        JsonNode resource = claims.get("resource");
        if (resource == null || !resource.isObject() || resource.size() != 1 || !resource.has("Customer")) {
            throw new Rejected("resource is not {\"Customer\": <uuid>}");
        }
        UUID customer = uuid(resource.get("Customer"), "resource.Customer");
        // Checked last here (the outcome is the same in any order), so that a token refused for this
        // reason alone is known to pass every other rule.
        if (claims.has("aud")) {
            throw new Rejected(INVALID_AUDIENCE);
        }
        return new Claims(iat, exp, tenant, customer);
    }

    private static byte[] base64url(String part, String what) {
        if (!BASE64URL.matcher(part).matches() || part.length() % 4 == 1) {
            throw new Rejected("the " + what + " is not base64url without padding");
        }
        byte[] decoded = Base64.getUrlDecoder().decode(part);
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(decoded).equals(part)) {
            throw new Rejected("the " + what + " has non-zero trailing bits");
        }
        return decoded;
    }

    private static JsonNode object(byte[] json, String what) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new Rejected("the " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Rejected("the " + what + " is not JSON (or has a duplicate member)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A u64: a JSON integer (no fraction, no exponent), 0 to 2^64-1. */
    private static long unsigned(JsonNode value, String name) {
        if (value == null || !value.isIntegralNumber() || value.bigIntegerValue().signum() < 0
                || value.bigIntegerValue().compareTo(U64_MAX) > 0) {
            throw new Rejected(name + " is not a non-negative integer");
        }
        return value.bigIntegerValue().min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
    }

    private static UUID uuid(JsonNode value, String name) {
        if (value == null || !value.isTextual() || !UUID_TEXT.matcher(value.textValue()).matches()) {
            throw new Rejected(name + " is not a UUID string");
        }
        String hex = value.textValue().replaceAll("(?i)urn:uuid:|[{}-]", "");
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }

    private static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
