package dev.portaltoken.support;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Webhooks as upstream's Meteroid sends them, signed by Standard Webhooks' own Java library (not by
 * this server's code), and each body checked against upstream's document before it is sent.
 */
public final class Webhooks {
    private final String secret;
    private final Webhook signer;

    private Webhooks(String secret) {
        this.secret = secret;
        try {
            this.signer = new Webhook(secret);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        RuntimeSecrets.record("webhook secret", secret);
    }

    /** A new endpoint secret, {@code whsec_} and 24 random bytes in base64, as Svix makes them. */
    public static Webhooks newSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return new Webhooks("whsec_" + Base64.getEncoder().encodeToString(key));
    }

    public String secret() {
        return secret;
    }

    /** The library's {@code v1,<base64>} signature of a message. */
    public String sign(String id, long timestamp, String body) {
        try {
            return signer.sign(id, timestamp, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The three Standard Webhooks headers of a message sent at {@code at}. */
    public Map<String, String> headers(String id, Instant at, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(at.getEpochSecond()));
        headers.put("webhook-signature", sign(id, at.getEpochSecond(), body));
        return headers;
    }

    /**
     * Upstream's {@code customer.created} body, checked against its {@code CustomerEvent} schema;
     * {@code extra} members are appended (newer senders add some).
     */
    public static String customerCreated(String customerId, String name, String alias, String email, String extra) {
        String body = "{\"id\":\"evt_7n42DGM5Tflk9n8mt7Fhc7\",\"type\":\"customer.created\",\"timestamp\":\""
                + Instant.now() + "\",\"customer_id\":\"" + customerId + "\",\"name\":\"" + name + "\",\"alias\":"
                + (alias == null ? "null" : "\"" + alias + "\"") + ",\"billing_email\":"
                + (email == null ? "null" : "\"" + email + "\"") + ",\"invoicing_emails\":[],\"phone\":null,"
                + "\"currency\":\"EUR\"" + (extra == null ? "" : "," + extra) + "}";
        Conformance.validate(Conformance.UPSTREAM, "#/components/schemas/CustomerEvent", body);
        return body;
    }

    public static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
