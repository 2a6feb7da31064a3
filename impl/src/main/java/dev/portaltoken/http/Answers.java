package dev.portaltoken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.idempotency.IdempotencyKeys;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What the admin API's writes share: running a POST once per {@code Idempotency-Key}
 * ({@link IdempotencyKeys}: the same request replays the first answer with
 * {@code Idempotent-Replayed: true}, another one is refused), answers with {@code Location} and
 * {@code ETag}, {@code If-Match} parsing, and the audit trail's actor of a caller. Thread-safe.
 */
final class Answers {
    static final String REPLAYED = "Idempotent-Replayed";

    private final IdempotencyKeys idempotency;
    private final ObjectMapper json;

    Answers(IdempotencyKeys idempotency, ObjectMapper json) {
        this.idempotency = idempotency;
        this.json = json;
    }

    /** As {@link #once(Caller, String, String, Object, Supplier, UnaryOperator)}, keeping the answer as given. */
    Response once(Caller caller, String idempotencyKey, String request, Object body, Supplier<IdempotencyKeys.Answer> work) {
        return once(caller, idempotencyKey, request, body, work, UnaryOperator.identity());
    }

    /**
     * Runs a POST once per {@code Idempotency-Key} of {@code caller}'s key.
     *
     * @param request what identifies the request beside its body: method, path, the object it acts on
     * @param kept    the answer as kept for replays (a new key's answer is kept without its secret)
     */
    Response once(Caller caller, String idempotencyKey, String request, Object body,
                  Supplier<IdempotencyKeys.Answer> work, UnaryOperator<IdempotencyKeys.Answer> kept) {
        byte[] sha256 = ApiKeyFormat.sha256(request + "\n" + write(body));
        IdempotencyKeys.Outcome outcome = idempotency.once(caller.apiKeyId(), idempotencyKey, sha256, work, kept);
        return respond(outcome.answer(), outcome.replayed());
    }

    /**
     * Runs {@code work} once per {@code Idempotency-Key} of {@code caller}'s key, the request being known
     * by its digest alone (a streamed body's, known once it has been read).
     */
    IdempotencyKeys.Outcome onceDigested(Caller caller, String idempotencyKey, byte[] requestSha256,
                                         Supplier<IdempotencyKeys.Answer> work) {
        return idempotency.once(caller.apiKeyId(), idempotencyKey, requestSha256, work);
    }

    /** An answer with {@code dto} as its body; {@code location} and {@code etag} may be null. */
    IdempotencyKeys.Answer answer(int status, Object dto, String location, String etag) {
        return new IdempotencyKeys.Answer(status, write(dto), location, etag);
    }

    /** {@code answer} without the field {@code name} of its body (a JSON object): what a replay shows of it. */
    IdempotencyKeys.Answer without(IdempotencyKeys.Answer answer, String name) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode body =
                    (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(answer.body());
            body.remove(name);
            return new IdempotencyKeys.Answer(answer.status(), json.writeValueAsString(body), answer.location(),
                    answer.etag());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer written here is a JSON object", e);
        }
    }

    static Response respond(IdempotencyKeys.Answer answer, boolean replayed) {
        Response.ResponseBuilder response = Response.status(answer.status()).entity(answer.body())
                .type(MediaType.APPLICATION_JSON_TYPE);
        if (answer.location() != null) {
            response.header(HttpHeaders.LOCATION, answer.location());
        }
        if (answer.etag() != null) {
            response.header(HttpHeaders.ETAG, answer.etag());
        }
        if (replayed) {
            response.header(REPLAYED, "true");
        }
        return response.build();
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a DTO always serializes", e);
        }
    }

    /** Who the audit trail names for {@code caller}: its admin key or its tenant's API key. */
    static Actor actor(Caller caller) {
        return caller.kind() == Caller.Kind.ADMIN ? Actor.adminKey(caller.apiKeyId(), caller.name())
                : Actor.apiKey(caller.apiKeyId(), caller.name());
    }

    /** A strong entity tag of an object's version. */
    static String etag(Object version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an {@code If-Match} header names: null when absent, {@code *} for any; one entity
     * tag, quoted (a bare one is accepted too).
     *
     * @throws Failure INVALID for a list of tags or a weak one (a change needs a strong comparison)
     */
    static String version(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.equals("*")) {
            return tag;
        }
        if (tag.startsWith("W/") || tag.indexOf(',') >= 0) {
            throw Failure.invalid("If-Match must be one strong entity tag, the ETag of the object as read");
        }
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag.substring(1, tag.length() - 1) : tag;
    }
}
