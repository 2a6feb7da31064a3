package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Sql;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A wrong secret for a known key id must cost what an unknown key id costs, or answer times would
 * tell which key ids exist. Timing through HTTP cannot resolve the difference on a shared machine
 * (the hash and comparison skipped for an unknown id take about a microsecond), so this is checked
 * by the work itself: the authenticator runs over the real repository and PostgreSQL, through a
 * repository and a digest that write down each operation, and every failure path must write the same
 * list. The HTTP round-trip times of the paths are measured too, and only printed.
 */
class KeyTimingTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), "timed");
    private static String key;
    private static String wrongSecret;
    private static String unknownId;
    private static String revoked;

    /** The operations done so far, in order: "findActive", "touch", "hash N chars", "equal N/M bytes". */
    private final List<String> work = new ArrayList<>();
    private ApiKeyAuthenticator authenticator;

    @BeforeAll
    static void keys() {
        key = acme.key();
        String idPart = key.substring(key.indexOf('/'));
        // Same shape and length as the real key: only which part is wrong differs.
        wrongSecret = secretOf(ApiKeyFormat.generate(UUID.randomUUID()).key()) + idPart;
        unknownId = ApiKeyFormat.generate(UUID.randomUUID()).key();
        revoked = acme.server().createApiKey("acme");
        acme.server().revokeApiKey("acme", revoked);
        assertEquals(key.length(), wrongSecret.length());
    }

    private static String secretOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    /** A fresh authenticator (cache lifetime as the server's default) whose work is written down. */
    private ApiKeyAuthenticator authenticator() {
        ApiKeyRepository repository = new ApiKeyRepository(Sql.dataSource(acme.server()::sql));
        ActiveKeys counted = new ActiveKeys() {
            @Override
            public Optional<ApiKeyRepository.ActiveKey> findActive(UUID keyId, Caller.Kind kind) {
                work.add("findActive");
                return repository.findActive(keyId, kind);
            }

            @Override
            public void touch(UUID keyId) {
                work.add("touch");
                repository.touch(keyId);
            }
        };
        SecretDigest digest = new SecretDigest() {
            @Override
            public byte[] hash(String secret) {
                work.add("hash " + secret.length() + " chars");
                return SecretDigest.SHA256.hash(secret);
            }

            @Override
            public boolean equal(byte[] presented, byte[] stored) {
                work.add("equal " + presented.length + "/" + stored.length + " bytes");
                return SecretDigest.SHA256.equal(presented, stored);
            }
        };
        return new ApiKeyAuthenticator(counted, Duration.ofSeconds(30), dev.portaltoken.cache.Freshness.UNTIL_EXPIRY, digest);
    }

    /** Authenticates {@code presented} with a fresh authenticator; returns the work it did. */
    private List<String> workFor(String presented, boolean accepted) throws SQLException {
        work.clear();
        authenticator = authenticator();
        assertEquals(accepted, authenticator.authenticate(presented).isPresent(), "accepted");
        return List.copyOf(work);
    }

    @Test
    void everyWayOfFailingAWellFormedKeyDoesTheSameWork() throws SQLException {
        List<String> expected = List.of("findActive", "hash 43 chars", "equal 32/32 bytes");
        assertEquals(expected, workFor(wrongSecret, false), "a wrong secret for a known key id");
        assertEquals(expected, workFor(unknownId, false), "an unknown key id");
        assertEquals(expected, workFor(revoked, false), "a revoked key");
    }

    @Test
    void aValidKeyDoesTheSameAndThenRecordsItsUse() throws SQLException {
        assertEquals(List.of("findActive", "hash 43 chars", "equal 32/32 bytes", "touch"), workFor(key, true));
    }

    @Test
    void failuresAreNeverServedFromTheCacheSoEachRepeatDoesTheWorkAgain() throws SQLException {
        workFor(key, true);
        for (String presented : new String[] {wrongSecret, unknownId, wrongSecret}) {
            work.clear();
            assertTrue(authenticator.authenticate(presented).isEmpty());
            assertEquals(List.of("findActive", "hash 43 chars", "equal 32/32 bytes"), work);
        }
        work.clear();
        assertTrue(authenticator.authenticate(key).isPresent());
        assertEquals(List.of(), work, "the verified key is served from the cache");
    }

    @Test
    void aMalformedKeyIsRefusedBeforeAnyLookup() throws SQLException {
        assertEquals(List.of(), workFor("pt_live_not-a-key", false));
        assertEquals(List.of(), workFor(secretOf(key) + "/not-base62!", false));
    }

    /**
     * Round-trip times of the failure paths through HTTP, printed for whoever wants to look and never
     * asserted: a shared 2-core machine cannot resolve the microsecond this class is about. Groups
     * are interleaved in a rotating order so drift hits them alike.
     */
    @Test
    void httpTimesOfTheFailurePathsAreReported() {
        String[] keys = {wrongSecret, unknownId, wrongSecret, "pt_live_not-a-key"};
        String[] names = {"wrong secret", "unknown id", "wrong secret again", "malformed"};
        measure(keys, 20);
        long[][] nanos = measure(keys, 100);
        StringBuilder report = new StringBuilder("key timing (report only), median of 100 round trips:");
        for (int i = 0; i < keys.length; i++) {
            long[] sorted = nanos[i].clone();
            Arrays.sort(sorted);
            report.append(String.format(Locale.ROOT, " %s %.3f ms;", names[i], sorted[sorted.length / 2] / 1e6));
        }
        System.out.println(report);
    }

    private static long[][] measure(String[] keys, int samples) {
        Http http = acme.http();
        long[][] nanos = new long[keys.length][samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < keys.length; j++) {
                int k = (i + j) % keys.length;
                long start = System.nanoTime();
                Http.Reply reply = http.mint(keys[k], acme.customer(), null);
                nanos[k][i] = System.nanoTime() - start;
                assertEquals(401, reply.status(), reply::toString);
            }
        }
        return nanos;
    }
}
