package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/** Assertions on answers that many test classes make. */
public final class Replies {
    private Replies() {
    }

    /**
     * The contract's error: {@code status}, JSON, exactly {@code code} and {@code message}, the code
     * {@code code}, the message containing {@code messagePart}.
     */
    public static void assertError(Http.Reply reply, int status, String code, String messagePart) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply::toString);
        JsonNode body = reply.json();
        assertEquals(code, body.get("code").asText(), reply::toString);
        assertTrue(body.get("message").asText().contains(messagePart),
                () -> "message should mention '" + messagePart + "': " + reply);
        assertEquals(Set.of("code", "message"), fieldNames(body), reply::toString);
    }

    /** A 4xx with the contract's error body (a code and a message). */
    public static void assertClientError(Http.Reply reply) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, () -> "expected a 4xx: " + reply);
        assertTrue(reply.json().path("code").isTextual() && reply.json().path("message").isTextual(), reply::toString);
    }

    /** The contract's 429 with {@code Retry-After} in whole seconds; returns that number. */
    public static long assertTooManyRequests(Http.Reply reply) {
        assertError(reply, 429, "TOO_MANY_REQUESTS", "");
        String retryAfter = reply.header("Retry-After");
        assertTrue(retryAfter != null && retryAfter.matches("[1-9][0-9]*"), "Retry-After in whole seconds: " + retryAfter);
        return Long.parseLong(retryAfter);
    }

    /** The member names of a JSON object, sorted. */
    public static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
