package dev.portaltoken.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Secret;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key ring's snapshots on a real PostgreSQL, driven directly (no scheduler, no HTTP). */
class KeyRingTest {
    private static final KeyEncryptionKey KEK =
            KeyEncryptionKey.resolve(Optional.of(Secret.ofBytes(java.util.Base64.getDecoder().decode(TestServer.newKeyEncryptionKey()))), Path.of("unused"), true);
    private static EmbeddedDatabases.Opened database;
    private static SigningKeyRepository repository;
    private static SigningKeyStore store;

    @BeforeAll
    static void open() throws Exception {
        database = EmbeddedDatabases.open("keyring");
        repository = new SigningKeyRepository(database.dataSource());
        store = new SigningKeyStore(repository, KEK, SignerProvider.BOUNCYCASTLE);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void emptyTable() throws Exception {
        execute("DELETE FROM signing_key");
    }

    /** Verifiers here check published keys only: what an EdDSA server expects of its tokens. */
    private static final TokenRules ASYMMETRIC = TokenRules.of(JWSAlgorithm.EdDSA,
            Optional.empty(), "portal-token-server", new dev.portaltoken.config.TokenAudience(Optional.empty()));

    private static void execute(String sql) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private KeyRing ring(JWSAlgorithm algorithm, Optional<SigningKey> sharedSecretKey) {
        return new KeyRing(repository, store, algorithm, sharedSecretKey, Duration.ZERO,
                published -> new TokenVerifier(published, ASYMMETRIC, java.time.Clock.systemUTC()));
    }

    /** What a server's refresh does: maintenance, then a reload. */
    private static void refresh(KeyRing ring) throws java.sql.SQLException {
        ring.maintain();
        ring.reload();
    }

    private static List<String> kids(KeyRing ring) {
        return ring.publishedKeys().stream().map(JWK::getKeyID).toList();
    }

    @Test
    void theFirstRefreshCreatesTheKeyAndSignersAreBuiltOncePerKey() throws Exception {
        KeyRing ring = ring(JWSAlgorithm.EdDSA, Optional.empty());
        assertThrows(IllegalStateException.class, ring::signingKey, "nothing to sign with before the first refresh");
        refresh(ring);
        SigningKey first = ring.signingKey();
        assertEquals(JWSAlgorithm.EdDSA, first.algorithm());
        assertEquals(List.of(first.keyId()), kids(ring));
        refresh(ring);
        assertSame(first, ring.signingKey(), "an unchanged key keeps its signer");

        SigningKeys.Rotation rotation = store.rotate(JWSAlgorithm.EdDSA);
        assertSame(first, ring.signingKey(), "nothing changes before the next refresh");
        refresh(ring);
        assertEquals(rotation.kid(), ring.signingKey().keyId());
        assertEquals(List.of(rotation.kid(), first.keyId()), kids(ring), "the active key first, then the retiring one");
        assertEquals(Optional.of(first.keyId()), rotation.previousKid());
    }

    @Test
    void aFailedRefreshKeepsTheCurrentKeys() throws Exception {
        KeyRing ring = ring(JWSAlgorithm.ES256, Optional.empty());
        refresh(ring);
        SigningKey before = ring.signingKey();
        List<String> published = kids(ring);
        execute("ALTER TABLE signing_key RENAME TO signing_key_moved");
        try {
            assertThrows(dev.portaltoken.db.DataAccessException.class, () -> refresh(ring));
            ring.maintainAndReloadQuietly();
            assertSame(before, ring.signingKey());
            assertEquals(published, kids(ring));
        } finally {
            execute("ALTER TABLE signing_key_moved RENAME TO signing_key");
        }
        refresh(ring);
        assertSame(before, ring.signingKey(), "recovers once the fault is gone");
    }

    @Test
    void anActiveKeySealedUnderAnotherKeyEncryptionKeyIsNotUsed() throws Exception {
        KeyRing ring = ring(JWSAlgorithm.EdDSA, Optional.empty());
        refresh(ring);
        SigningKey before = ring.signingKey();

        KeyEncryptionKey other = KeyEncryptionKey.resolve(Optional.of(Secret.ofBytes(java.util.Base64.getDecoder().decode(TestServer.newKeyEncryptionKey()))),
                Path.of("unused"), true);
        JWK foreign = Signers.generate(JWSAlgorithm.EdDSA);
        repository.rotate(new SigningKeyRepository.NewKey(foreign.getKeyID(), JWSAlgorithm.EdDSA,
                foreign.toPublicJWK().toJSONString(),
                other.seal(foreign.getKeyID(), foreign.toJSONString().getBytes(StandardCharsets.UTF_8))),
                Duration.ofDays(1));

        ConfigException e = assertThrows(ConfigException.class, () -> refresh(ring));
        assertEquals("PORTAL_KEY_ENCRYPTION_KEY does not decrypt the stored signing key " + foreign.getKeyID()
                + ": it is not the key encryption key the signing keys were stored with", e.getMessage());
        ring.maintainAndReloadQuietly();
        assertSame(before, ring.signingKey(), "keeps signing with the key it could open");
        assertThrows(ConfigException.class, store::checkEncryptionKey, "and a restart would refuse to start");
        assertThrows(ConfigException.class, () -> store.rotate(JWSAlgorithm.EdDSA),
                "a rotation refuses to add a key under this key encryption key");
    }

    @Test
    void aRotationThatCannotInsertItsKeyChangesNothing() throws Exception {
        store.ensureActive(JWSAlgorithm.EdDSA);
        String active = repository.findActiveKid(JWSAlgorithm.EdDSA).orElseThrow();
        JWK key = Signers.generate(JWSAlgorithm.EdDSA);
        SigningKeyRepository.NewKey clash = new SigningKeyRepository.NewKey(active, JWSAlgorithm.EdDSA,
                key.toPublicJWK().toJSONString(), KEK.seal(active, key.toJSONString().getBytes(StandardCharsets.UTF_8)));
        dev.portaltoken.db.DataAccessException e = assertThrows(dev.portaltoken.db.DataAccessException.class,
                () -> repository.rotate(clash, SigningKeys.RETIRE_AFTER));
        assertEquals("signing key " + active + " already exists", e.getCause().getMessage());
        assertEquals(Optional.of(active), repository.findActiveKid(JWSAlgorithm.EdDSA), "the demotion was rolled back");
        assertEquals(KeyState.ACTIVE, repository.find(active).orElseThrow().state());
    }

    @Test
    void anUnusableOrVanishedKeyIsNotOpened() throws Exception {
        KeyRing ring = ring(JWSAlgorithm.ES256, Optional.empty());
        refresh(ring);
        SigningKey before = ring.signingKey();

        JWK p384 = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384)
                .keyIDFromThumbprint(true).generate();
        repository.rotate(new SigningKeyRepository.NewKey(p384.getKeyID(), JWSAlgorithm.ES256,
                p384.toPublicJWK().toJSONString(),
                KEK.seal(p384.getKeyID(), p384.toJSONString().getBytes(StandardCharsets.UTF_8))), Duration.ofDays(1));
        IllegalStateException unusable = assertThrows(IllegalStateException.class, () -> refresh(ring));
        assertEquals("stored signing key " + p384.getKeyID() + " is unusable: not an Ed25519 (EdDSA) or P-256 (ES256) key",
                unusable.getMessage());
        ring.maintainAndReloadQuietly();
        assertSame(before, ring.signingKey());

        assertEquals(SigningKeys.RetireOutcome.NOW_RETIRED,
                repository.retire(before.keyId(), SigningKeys.RETIRE_AFTER));
        IllegalStateException vanished = assertThrows(IllegalStateException.class, () -> store.open(before.keyId()));
        assertEquals("signing key " + before.keyId() + " is no longer published", vanished.getMessage());
    }

    @Test
    void anHs256RingSignsWithTheSecretAndStillPublishesStoredKeys() throws Exception {
        store.ensureActive(JWSAlgorithm.ES256);
        SigningKey hmac = SigningKey.hmac("a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8));
        KeyRing ring = ring(JWSAlgorithm.HS256, Optional.of(hmac));
        refresh(ring);
        assertSame(hmac, ring.signingKey());
        assertEquals(List.of(repository.findActiveKid(JWSAlgorithm.ES256).orElseThrow()), kids(ring),
                "tokens of keys used before the switch to HS256 keep verifying");
        assertTrue(ring.publishedKeys().stream().noneMatch(JWK::isPrivate));
        assertEquals(1, repository.findAll().size(), "an HS256 ring creates no key");
    }

    @Test
    void onlyHs256SignsWithTheSharedSecret() {
        SigningKey hmac = SigningKey.hmac("a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class,
                () -> ring(JWSAlgorithm.HS256, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> ring(JWSAlgorithm.EdDSA, Optional.of(hmac)));
        assertNotEquals(SigningKey.hmacKeyId(new byte[32]), hmac.keyId(), "the kid depends on the secret");
    }

    @Test
    void aNewKeySignsOnlyOnceTheDatabaseClockSaysItHasBeenStoredForThePublishDelay() throws Exception {
        KeyRing ring = new KeyRing(repository, store, JWSAlgorithm.EdDSA, Optional.empty(), Duration.ofHours(1),
                published -> new TokenVerifier(published, ASYMMETRIC, java.time.Clock.systemUTC()));
        refresh(ring);
        SigningKey first = ring.signingKey();
        execute("UPDATE signing_key SET created_at = now() - interval '2 hours' WHERE kid = '" + first.keyId() + "'");
        String rotated = store.rotate(JWSAlgorithm.EdDSA).kid();
        refresh(ring);
        assertEquals(first.keyId(), ring.signingKey().keyId(), "just stored: published, not signing");
        assertTrue(kids(ring).contains(rotated));

        execute("UPDATE signing_key SET created_at = now() - interval '59 minutes' WHERE kid = '" + rotated + "'");
        refresh(ring);
        assertEquals(first.keyId(), ring.signingKey().keyId(), "59 minutes old by the database's clock: not yet");
        execute("UPDATE signing_key SET created_at = now() - interval '61 minutes' WHERE kid = '" + rotated + "'");
        refresh(ring);
        assertEquals(rotated, ring.signingKey().keyId(), "61 minutes old by the database's clock: it signs");

        assertEquals(java.util.Set.of(first.keyId(), rotated), repository.findPublished(Duration.ofHours(1)).settledKids());
        assertEquals(java.util.Set.of(first.keyId()), repository.findPublished(Duration.ofMinutes(90)).settledKids());
    }
}
