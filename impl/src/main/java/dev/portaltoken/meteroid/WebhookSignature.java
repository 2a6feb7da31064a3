package dev.portaltoken.meteroid;

import dev.portaltoken.errors.Failure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a webhook as Standard Webhooks (and Svix, which sends upstream's) specify it: the headers
 * {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} (or the older
 * {@code svix-} ones), a timestamp within {@link #TOLERANCE} of now either way, and among the
 * space-separated signatures of the header one {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}
 * made with the endpoint secret (several are sent while a secret is rotated; other versions are
 * skipped). Signatures are compared in constant time. Immutable and thread-safe.
 */
public final class WebhookSignature {
    /** How far a message's timestamp may be from now, either way. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** The prefix of an endpoint secret; the rest is its key in base64. */
    public static final String SECRET_PREFIX = "whsec_";
    private static final int MAX_ID_LENGTH = 256;

    /** Why a webhook is refused; its message names the rule it broke and never a secret. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] key;

    /** @param key the endpoint secret's key bytes ({@link #keyOf}) */
    public WebhookSignature(byte[] key) {
        this.key = key.clone();
    }

    /**
     * The key of an endpoint secret: the base64 after {@code whsec_} (a secret given without the
     * prefix is read as base64 too, as Svix's libraries do).
     *
     * @throws Failure INVALID when it is not base64 or holds fewer than 16 bytes
     */
    public static byte[] keyOf(String secret) {
        String encoded = secret.strip().startsWith(SECRET_PREFIX) ? secret.strip().substring(SECRET_PREFIX.length())
                : secret.strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw Failure.invalid("the webhook secret must be whsec_ followed by base64, as Meteroid shows it");
        }
        if (key.length < 16) {
            throw Failure.invalid("the webhook secret holds " + key.length + " bytes; Meteroid's hold 24 or more");
        }
        return key;
    }

    /**
     * @param headers a request header by name (any case), null when absent
     * @return the message id, once every check passed
     * @throws Rejected naming the check that failed
     */
    public String verify(Function<String, String> headers, byte[] body, Instant now) {
        String id = header(headers, "id");
        String timestamp = header(headers, "timestamp");
        String signatures = header(headers, "signature");
        if (id.length() > MAX_ID_LENGTH) {
            throw new Rejected("webhook-id is longer than " + MAX_ID_LENGTH + " characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new Rejected("webhook-timestamp must be whole seconds since the epoch");
        }
        long skew = seconds - now.getEpochSecond();
        if (skew < -TOLERANCE.toSeconds()) {
            throw new Rejected("webhook-timestamp is more than 5 minutes old");
        }
        if (skew > TOLERANCE.toSeconds()) {
            throw new Rejected("webhook-timestamp is more than 5 minutes in the future");
        }
        byte[] expected = sign(id, timestamp, body);
        boolean matched = false;
        for (String candidate : signatures.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            matched |= MessageDigest.isEqual(expected, given); // no early exit: every candidate is compared
        }
        if (!matched) {
            throw new Rejected("no v1 signature in webhook-signature matches this tenant's webhook secret");
        }
        return id;
    }

    /** The HMAC-SHA256 of {@code "<id>.<timestamp>.<body>"} under the key. */
    byte[] sign(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The {@code webhook-} header, else the {@code svix-} one. */
    private static String header(Function<String, String> headers, String name) {
        String value = headers.apply("webhook-" + name);
        if (value == null) {
            value = headers.apply("svix-" + name);
        }
        if (value == null || value.isBlank()) {
            throw new Rejected("missing webhook-" + name + " header (or svix-" + name + ")");
        }
        return value.strip();
    }

    @Override
    public String toString() {
        return "WebhookSignature[key not shown]";
    }
}
