package dev.portaltoken.meteroid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import dev.portaltoken.errors.Failure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verifier against the Standard Webhooks specification's own test vector, against signatures
 * made by Standard Webhooks' Java library (an implementation that is not ours, both ways), and every
 * rule: the window, rotation, the older svix- headers, tampering, missing headers.
 */
class WebhookSignatureTest {
    /** The specification's example (standard-webhooks.md, "Signature scheme"; also Svix's docs). */
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330;
    private static final String SPEC_BODY = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final Instant AT_SPEC_TIME = Instant.ofEpochSecond(SPEC_TIMESTAMP);
    private final WebhookSignature spec = new WebhookSignature(WebhookSignature.keyOf(SPEC_SECRET));

    private static Map<String, String> headers(String prefix, String id, long timestamp, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put(prefix + "id", id);
        headers.put(prefix + "timestamp", Long.toString(timestamp));
        headers.put(prefix + "signature", signature);
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSpecificationsVectorVerifiesAndOurSignatureIsItsSignature() {
        assertEquals(SPEC_ID, spec.verify(headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE)::get,
                bytes(SPEC_BODY), AT_SPEC_TIME));
        assertArrayEquals(Base64.getDecoder().decode(SPEC_SIGNATURE.substring(3)),
                spec.sign(SPEC_ID, Long.toString(SPEC_TIMESTAMP), bytes(SPEC_BODY)));
    }

    @Test
    void theLibrarySignsWhatWeVerifyAndVerifiesWhatTheVectorSays() throws Exception {
        Webhook library = new Webhook(SPEC_SECRET);
        assertEquals(SPEC_SIGNATURE, library.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), "the library agrees with the vector");
        String body = "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"name\":\"Zoë & Co\"}";
        long now = Instant.now().getEpochSecond();
        String signature = library.sign("msg_42", now, body);
        assertEquals("msg_42", spec.verify(headers("webhook-", "msg_42", now, signature)::get, bytes(body), Instant.now()));
        // and the library accepts what we compute
        String ours = "v1," + Base64.getEncoder().encodeToString(spec.sign("msg_43", Long.toString(now), bytes(body)));
        Map<String, List<String>> asLists = new HashMap<>();
        headers("webhook-", "msg_43", now, ours).forEach((k, v) -> asLists.put(k, List.of(v)));
        library.verify(body, asLists);
    }

    @Test
    void theOlderSvixHeadersAreRead() {
        assertEquals(SPEC_ID, spec.verify(headers("svix-", SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE)::get,
                bytes(SPEC_BODY), AT_SPEC_TIME));
    }

    @Test
    void duringARotationAnyOfSeveralSignaturesMayMatchAndOtherVersionsAreSkipped() {
        String other = "v1," + Base64.getEncoder().encodeToString(new byte[32]);
        for (String header : List.of(other + " " + SPEC_SIGNATURE, SPEC_SIGNATURE + " " + other,
                "v1a,c2lnbmVk " + SPEC_SIGNATURE, "v1,not*base64 " + SPEC_SIGNATURE, "garbage  " + SPEC_SIGNATURE)) {
            assertEquals(SPEC_ID, spec.verify(headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, header)::get,
                    bytes(SPEC_BODY), AT_SPEC_TIME), header);
        }
        WebhookSignature.Rejected none = assertThrows(WebhookSignature.Rejected.class, () -> spec.verify(
                headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, other + " v2," + SPEC_SIGNATURE.substring(3))::get,
                bytes(SPEC_BODY), AT_SPEC_TIME));
        assertTrue(none.getMessage().startsWith("no v1 signature"), none.getMessage());
    }

    @Test
    void theTimestampMustBeWithinFiveMinutesEitherWay() {
        Map<String, String> h = headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE);
        spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME.plusSeconds(300));
        spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME.minusSeconds(300));
        assertEquals("webhook-timestamp is more than 5 minutes old", assertThrows(WebhookSignature.Rejected.class,
                () -> spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME.plusSeconds(301))).getMessage());
        assertEquals("webhook-timestamp is more than 5 minutes in the future", assertThrows(WebhookSignature.Rejected.class,
                () -> spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME.minusSeconds(301))).getMessage());
        h.put("webhook-timestamp", "1614265330.5");
        assertThrows(WebhookSignature.Rejected.class, () -> spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME));
    }

    @Test
    void anyChangeToIdTimestampOrBodyBreaksTheSignature() {
        for (Map<String, String> h : List.of(headers("webhook-", SPEC_ID + "x", SPEC_TIMESTAMP, SPEC_SIGNATURE),
                headers("webhook-", SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_SIGNATURE))) {
            assertThrows(WebhookSignature.Rejected.class, () -> spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME));
        }
        Map<String, String> h = headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE);
        assertThrows(WebhookSignature.Rejected.class, () -> spec.verify(h::get, bytes(SPEC_BODY + " "), AT_SPEC_TIME));
        WebhookSignature otherSecret = new WebhookSignature(WebhookSignature.keyOf("whsec_" + Base64.getEncoder()
                .encodeToString(new byte[24])));
        assertThrows(WebhookSignature.Rejected.class, () -> otherSecret.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME));
    }

    @Test
    void eachMissingHeaderIsNamed() {
        for (String name : List.of("id", "timestamp", "signature")) {
            Map<String, String> h = headers("webhook-", SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE);
            h.remove("webhook-" + name);
            WebhookSignature.Rejected e = assertThrows(WebhookSignature.Rejected.class,
                    () -> spec.verify(h::get, bytes(SPEC_BODY), AT_SPEC_TIME));
            assertEquals("missing webhook-" + name + " header (or svix-" + name + ")", e.getMessage());
        }
    }

    @Test
    void secretsAreWhsecAndBase64OfEnoughBytes() {
        assertArrayEquals(WebhookSignature.keyOf(SPEC_SECRET), WebhookSignature.keyOf(SPEC_SECRET.substring(6)),
                "the prefix is optional, as in Svix's libraries");
        assertEquals(Failure.Kind.INVALID, assertThrows(Failure.class, () -> WebhookSignature.keyOf("whsec_%%%")).kind());
        assertEquals(Failure.Kind.INVALID, assertThrows(Failure.class, () -> WebhookSignature.keyOf("whsec_AAAA")).kind());
        assertTrue(!new WebhookSignature(WebhookSignature.keyOf(SPEC_SECRET)).toString().contains("MfKQ"));
    }
}
