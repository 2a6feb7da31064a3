package dev.portaltoken.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.support.EmbeddedDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stripe's Idempotency-Key semantics on a real PostgreSQL: replay, refusal, nothing kept on failure, 24 hours. */
class IdempotencyKeysTest {
    private static EmbeddedDatabases.Opened database;
    private static IdempotencyKeys keys;

    @BeforeAll
    static void open() {
        database = EmbeddedDatabases.open("idempotency");
        keys = new IdempotencyKeys(database.dataSource());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static byte[] request(String body) {
        return ApiKeyFormat.sha256(body);
    }

    @Test
    void theSameRequestReplaysTheFirstAnswerAndAnotherIsRefused() {
        UUID caller = Uuids.v7();
        AtomicInteger runs = new AtomicInteger();
        IdempotencyKeys.Answer answer = new IdempotencyKeys.Answer(201, "{\"id\":1}", "/x/1", "\"7\"");
        IdempotencyKeys.Outcome first = keys.once(caller, "k1", request("a"), () -> {
            runs.incrementAndGet();
            return answer;
        });
        IdempotencyKeys.Outcome again = keys.once(caller, "k1", request("a"), () -> {
            runs.incrementAndGet();
            return new IdempotencyKeys.Answer(500, "", null, null);
        });
        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals(answer, again.answer());
        assertEquals(1, runs.get());
        Failure reused = assertThrows(Failure.class, () -> keys.once(caller, "k1", request("b"), () -> answer));
        assertEquals(Failure.Kind.REUSED, reused.kind());
        assertFalse(keys.once(Uuids.v7(), "k1", request("b"), () -> answer).replayed(), "keys are per caller");
        assertEquals(Failure.Kind.INVALID, assertThrows(Failure.class,
                () -> keys.once(caller, "has space", request("a"), () -> answer)).kind());
    }

    @Test
    void aFailedRequestKeepsNothingAndAnExpiredKeyIsTakenOverThenDeleted() throws Exception {
        UUID caller = Uuids.v7();
        IdempotencyKeys.Answer answer = new IdempotencyKeys.Answer(200, "{}", null, null);
        assertThrows(Failure.class, () -> keys.once(caller, "k2", request("a"), () -> {
            throw Failure.conflict("taken");
        }));
        assertFalse(keys.once(caller, "k2", request("b"), () -> answer).replayed(), "the failure kept nothing");

        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = 'k2'");
        }
        assertFalse(keys.once(caller, "k2", request("c"), () -> answer).replayed(), "24 hours on, a new request");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = 'k2'");
        }
        assertTrue(keys.expire() >= 1);
        assertFalse(keys.once(caller, "k2", request("d"), () -> answer).replayed());
    }
}
