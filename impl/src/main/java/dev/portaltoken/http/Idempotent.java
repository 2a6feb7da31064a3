package dev.portaltoken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.idempotency.IdempotencyKeys;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/** The admin API's POSTs run once per {@code Idempotency-Key} ({@link IdempotencyKeys}), and their answers as responses. */
final class Idempotent {
    static final String REPLAYED = "Idempotent-Replayed";

    private Idempotent() {
    }

    /**
     * Runs {@code work} once per key of {@code caller}'s.
     *
     * @param request what identifies the request (method, path, body), compared by its SHA-256
     */
    static Response once(IdempotencyKeys keys, Caller caller, String idempotencyKey, String request,
                         Supplier<IdempotencyKeys.Answer> work) {
        return respond(keys.once(caller.apiKeyId(), idempotencyKey, ApiKeyFormat.sha256(request), work));
    }

    /** The answer, marked {@value #REPLAYED} when it is an earlier one replayed. */
    static Response respond(IdempotencyKeys.Outcome outcome) {
        IdempotencyKeys.Answer answer = outcome.answer();
        Response.ResponseBuilder response = Response.status(answer.status()).entity(answer.body())
                .type(MediaType.APPLICATION_JSON_TYPE);
        if (answer.location() != null) {
            response.header(HttpHeaders.LOCATION, answer.location());
        }
        if (answer.etag() != null) {
            response.header(HttpHeaders.ETAG, answer.etag());
        }
        if (outcome.replayed()) {
            response.header(REPLAYED, "true");
        }
        return response.build();
    }

    /** A DTO as the JSON an answer keeps. */
    static String json(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a DTO always serializes", e);
        }
    }
}
