package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.Failure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping from the domain's failures to the contract's answers. */
class ErrorMapperTest {

    @Test
    void everyKindOfFailureHasItsStatusAndCodeAndKeepsItsMessage() {
        Map<Failure, Integer> statuses = Map.of(
                Failure.invalid("a bad value"), 400,
                Failure.notFound("no such thing"), 404,
                Failure.conflict("already taken"), 409,
                Failure.limitReached("too many held"), 429,
                Failure.unavailable("not loaded yet"), 500,
                Failure.stale("changed since"), 412,
                Failure.reused("another request"), 422);
        assertEquals(Failure.Kind.values().length, statuses.size(), "every kind is mapped");
        statuses.forEach((failure, status) -> {
            ApiException answer = ErrorMapper.answer(failure);
            assertEquals(status, answer.status(), failure.kind().name());
            assertEquals(ApiException.Code.forStatus(status), answer.code());
            assertEquals(failure.getMessage(), answer.getMessage(), "the message is shown as the domain wrote it");
        });
    }

    /** A lost update is the contract's CONFLICT; a reused idempotency key, like every other 4xx without a code, BAD_REQUEST. */
    @Test
    void theStatusesWithoutAContractCodeGetTheNearestOne() {
        assertEquals(ApiException.Code.CONFLICT, ApiException.Code.forStatus(412));
        assertEquals(ApiException.Code.BAD_REQUEST, ApiException.Code.forStatus(422));
        assertEquals(ApiException.Code.BAD_REQUEST, ApiException.Code.forStatus(428));
    }
}
