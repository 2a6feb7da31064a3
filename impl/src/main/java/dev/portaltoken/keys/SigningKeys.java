package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * The one door to the token signing keys: stored in PostgreSQL, their private halves sealed under
 * the key encryption key, rotated and retired by admin commands, loaded and published by servers,
 * and checked by {@code token verify}. Everything else in this package is its private machinery.
 *
 * <p>Two kinds of work are kept apart. Maintenance writes: creating an algorithm's first (or
 * missing) active key, rotating, retiring, and marking retiring keys past their date retired.
 * Reloading reads: the signing key and the published keys, swapped in as one snapshot. A server
 * ({@link #serve}) does both every refresh interval, so a rotation made anywhere is in use
 * everywhere within that interval.
 *
 * <p>Thread-safe: one instance per process, shared by request threads, the background refresh and
 * admin work.
 */
public final class SigningKeys implements Managed {
    /**
     * How long a key stays published after it stops signing: the longest token lifetime (30 days)
     * plus an hour for instances picking up the rotation, clock skew and verifiers' JWKS caches.
     */
    public static final Duration RETIRE_AFTER = Duration.ofSeconds(TokenLifetime.MAX_SECONDS).plusHours(1);
    /** The file in the data directory that holds the generated key encryption key, when none is configured. */
    public static final String KEY_ENCRYPTION_KEY_FILE = KeyEncryptionKey.FILE;
    /**
     * A new key signs only after two refresh intervals (one for every instance to publish it, one for
     * JWKS caches, whose max-age is the interval, to expire) and this margin for clock differences.
     */
    private static final Duration PUBLISH_MARGIN = Duration.ofSeconds(2);

    /** What {@link #retire} did. */
    public enum RetireOutcome {
        NOT_FOUND, ALREADY_RETIRED, ONLY_ACTIVE, NOW_RETIRING, NOW_RETIRED
    }

    /** A rotation done: the new active key and the one it replaced, published until {@code previousRetiresAt}. */
    public record Rotation(String kid, JWSAlgorithm algorithm, Optional<String> previousKid,
                           Optional<Instant> previousRetiresAt) {
    }

    /** A retirement done (or refused): for a key now retiring, until when it stays published. */
    public record Retirement(RetireOutcome outcome, Optional<Instant> publishedUntil) {
    }

    private final SigningKeyRepository repository;
    private final SigningConfig config;
    private final SignerProvider signer;
    private final Path dataDir;
    private final Optional<KeyRingSupervisor> ring;
    private final TokenRules expected;
    private volatile SecretBox secretBox;

    private SigningKeys(DataSource dataSource, SigningConfig config, SignerProvider signer, Path dataDir,
                        TokenRules expected, BooleanSupplier databaseReady, boolean serving) {
        this.repository = new SigningKeyRepository(dataSource);
        this.config = config;
        this.signer = signer;
        this.dataDir = dataDir;
        this.expected = expected;
        this.ring = serving ? Optional.of(new KeyRingSupervisor(this::openRing, databaseReady)) : Optional.empty();
    }

    /** What tokens signed under {@code config} carry: the secret verifies only while HS256 signs. */
    public static TokenRules expected(SigningConfig config, String issuer, TokenAudience audience) {
        return TokenRules.of(config.algorithm(), config.jwtSecret(), issuer, audience);
    }

    /** For admin commands: maintenance and look-ups, nothing in the background. */
    public static SigningKeys admin(DataSource dataSource, SigningConfig config, Path dataDir,
                                    TokenRules expected) {
        // Admin work never signs a token: any signer serves to open and create keys.
        return new SigningKeys(dataSource, config, config.signer().orElse(SignerProvider.BOUNCYCASTLE), dataDir,
                expected, () -> true, false);
    }

    /**
     * For a server: nothing is opened until {@linkplain #start started}.
     *
     * @param signer   the implementation that signs with the asymmetric keys ({@code Signers.select})
     * @param dataDir  where a generated key encryption key lives when none is configured
     * @param expected what introspected tokens must carry ({@link #expected})
     */
    public static SigningKeys serve(DataSource dataSource, SigningConfig config, SignerProvider signer, Path dataDir,
                                    TokenRules expected, BooleanSupplier databaseReady) {
        return new SigningKeys(dataSource, config, signer, dataDir, expected, databaseReady, true);
    }

    /**
     * A server's: opens the keys now if the database is ready (else as soon as it is, the server
     * staying not ready meanwhile), then maintains and reloads them every refresh interval, as a
     * task of {@code tasks}.
     *
     * @throws dev.portaltoken.config.ConfigException when the key encryption key does not open the stored keys
     * @throws IllegalStateException for {@link #admin} keys, which run nothing in the background
     */
    @Override
    public void start(BackgroundTasks tasks) {
        serving().start(config.refreshInterval(), tasks);
    }

    /** What the start-up banner says the server signs with. */
    public String describeSigning() {
        return loaded() ? signingKey().algorithm() + ", kid " + signingKey().keyId()
                : "keys not loaded yet (database unreachable); not ready until they are";
    }

    /** True once a server's keys are loaded (false for {@link #admin} instances). */
    public boolean loaded() {
        return ring.map(KeyRingSupervisor::loaded).orElse(false);
    }

    /**
     * The key new tokens are signed with now.
     *
     * @throws IllegalStateException while the keys are not loaded (the server is not ready)
     */
    public SigningKey signingKey() {
        return serving().signingKey();
    }

    /**
     * The public keys to publish now: every active and retiring stored key.
     *
     * @throws IllegalStateException while the keys are not loaded (the server is not ready)
     */
    public List<JWK> publishedKeys() {
        return serving().publishedKeys();
    }

    /**
     * Checks that {@code token} was issued by this server as it issues tokens now (signed by a
     * published key, or the HS256 secret while HS256 signs, with this server's {@code iss},
     * {@code aud} and a lifetime within the longest), with verifiers as fast as the signers; not its
     * expiry or revocation.
     *
     * @throws TokenRejectedException when it is not
     * @throws IllegalStateException  while the keys are not loaded (the server is not ready)
     */
    public TokenVerifier.Signed verifyIssued(String token) {
        return serving().verifier().verifyIssued(token);
    }

    /**
     * True when tokens whose header names {@code kid} (null: none, which never verifies) can verify
     * now: a published key, or the HS256 secret while HS256 signs. A key that stopped being published (retired) makes its tokens inactive.
     *
     * @throws IllegalStateException while the keys are not loaded (the server is not ready)
     */
    public boolean publishes(String kid) {
        return serving().verifier().knows(kid);
    }

    /** The algorithm this server signs with (PORTAL_TOKEN_ALG). */
    public JWSAlgorithm configuredAlgorithm() {
        return config.algorithm();
    }

    /** Every key ever stored, newest first. */
    public List<StoredKey> list() {
        return repository.findAll();
    }

    /** A server's: reloads the keys soon, off the caller's thread (another instance changed them). */
    public void reloadSoon() {
        ring.ifPresent(KeyRingSupervisor::reloadSoon);
    }

    /** The new key active for {@code algorithm}; the previous one published for {@link #RETIRE_AFTER}. Refuses
     * (ConfigException) when the key encryption key does not open the stored keys: never one servers cannot open. */
    public Rotation rotate(JWSAlgorithm algorithm) {
        return store().rotate(algorithm);
    }

    /**
     * Moves a key one step on: an active key stops signing and stays published for
     * {@link #RETIRE_AFTER} (never the only active key); a retiring key is retired at once.
     */
    public Retirement retire(String kid) {
        RetireOutcome outcome = repository.retire(kid, RETIRE_AFTER);
        return new Retirement(outcome, outcome == RetireOutcome.NOW_RETIRING
                ? repository.find(kid).flatMap(StoredKey::retiresAt) : Optional.empty());
    }

    /**
     * A verifier of tokens against every stored key (retired ones say why they fail) and, while HS256
     * signs, the shared secret, by the same rules as a server's.
     */
    public TokenVerifier verifier() {
        return new TokenVerifier(repository.findAll(), expected, Clock.systemUTC());
    }

    @Override
    public void close() {
        ring.ifPresent(KeyRingSupervisor::close);
    }

    private KeyRingSupervisor serving() {
        return ring.orElseThrow(() -> new IllegalStateException("admin key access signs nothing"));
    }

    /**
     * Seals and opens other secrets under the same key encryption key as the signing keys (resolved
     * once, as {@link #rotate} resolves it).
     */
    public SecretBox secretBox() {
        SecretBox box = secretBox;
        if (box == null) {
            box = new SecretBox(KeyEncryptionKey.resolve(config.keyEncryptionKey(), dataDir, repository.sealed().any()));
            secretBox = box;
        }
        return box;
    }

    private SigningKeyStore store() {
        return new SigningKeyStore(repository,
                KeyEncryptionKey.resolve(config.keyEncryptionKey(), dataDir, repository.sealed().any()), signer);
    }

    /** Checks the key encryption key against the stored keys, creates what is missing, and loads. */
    private KeyRing openRing() {
        SigningKeyStore store = store();
        store.checkEncryptionKey();
        KeyRing keyRing = new KeyRing(repository, store, config.algorithm(),
                config.jwtSecret().filter(s -> JWSAlgorithm.HS256.equals(config.algorithm()))
                        .map(s -> SigningKey.hmac(s.bytes())),
                config.refreshInterval().multipliedBy(2).plus(PUBLISH_MARGIN),
                published -> new TokenVerifier(published, expected, Clock.systemUTC(), Signers::fastVerifier));
        keyRing.maintain();
        keyRing.reload();
        return keyRing;
    }
}
