package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys requests use: the key that signs new tokens and the public keys the JWKS publishes, as
 * one immutable snapshot that {@link #reload()} replaces atomically from the database, after
 * {@link #maintain()} has written what is due. Each signer is built once per key and kept across
 * reloads.
 *
 * <p>With an asymmetric algorithm, the signing key is that algorithm's active stored key, which is
 * created when there is none (the first start, or after its active key was retired). With HS256
 * it is the shared secret's; stored keys are still published, so tokens they signed keep verifying.
 *
 * <p>Publish before sign: a key becomes the signing key only once it has been stored for
 * {@code publishDelay} (two refresh intervals and a margin), by which time every instance publishes
 * it and every JWKS cached before that has expired. Until then, right after a rotation, the key it replaced (now retiring, still published
 * everywhere) keeps signing, so a portal never meets a {@code kid} the JWKS it fetched lacks.
 */
final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    private final SigningKeyRepository repository;
    private final SigningKeyStore store;
    private final SignsWith signsWith;
    private final Duration publishDelay;
    private final Function<List<StoredKey>, TokenVerifier> verifierOf;
    private final Loaded<Snapshot> snapshot = new Loaded<>("the key ring has not been loaded");

    private record Snapshot(SigningKey signingKey, List<StoredKey> stored, List<JWK> published, TokenVerifier verifier) {
    }

    /**
     * What new tokens are signed with: the algorithm and, exactly when it is HS256, the shared
     * secret's key (an asymmetric algorithm signs with its active stored key).
     */
    private record SignsWith(JWSAlgorithm algorithm, Optional<SigningKey> sharedSecretKey) {
        SignsWith {
            if (JWSAlgorithm.HS256.equals(algorithm) != sharedSecretKey.isPresent()) {
                throw new IllegalArgumentException("HS256 and only HS256 signs with the shared secret");
            }
        }
    }

    /**
     * @param algorithm       the algorithm new tokens are signed with
     * @param sharedSecretKey the HS256 key, present exactly when {@code algorithm} is HS256
     * @param publishDelay    how long a new key is only published before it signs: at least the
     *                        refresh interval of every instance, plus a margin; measured by the
     *                        database's clock
     */
    KeyRing(SigningKeyRepository repository, SigningKeyStore store, JWSAlgorithm algorithm,
            Optional<SigningKey> sharedSecretKey, Duration publishDelay,
            Function<List<StoredKey>, TokenVerifier> verifierOf) {
        this.repository = repository;
        this.store = store;
        this.signsWith = new SignsWith(algorithm, sharedSecretKey);
        this.publishDelay = publishDelay;
        this.verifierOf = verifierOf;
    }

    /**
     * Writes what is due: retiring keys past their date are marked retired (their private keys
     * erased), and an asymmetric algorithm without an active key gets one (the first start, or after
     * its active key was retired). Safe when several instances do this at once.
     */
    void maintain() {
        repository.retireExpired();
        if (signsWith.sharedSecretKey().isEmpty()) {
            store.ensureActive(signsWith.algorithm());
        }
    }

    /**
     * Re-reads the published keys and swaps in a new snapshot: a rotation made anywhere takes effect
     * here. Reads only. Called once at start-up, then by one scheduled thread; never concurrently
     * with itself.
     *
     * @throws dev.portaltoken.config.ConfigException when the key encryption key does not open the
     *                                                new signing key
     */
    void reload() {
        PublishedKeys published = repository.findPublished(publishDelay);
        Optional<Snapshot> previous = snapshot.current();
        SigningKey signing;
        if (signsWith.sharedSecretKey().isPresent()) {
            signing = signsWith.sharedSecretKey().get();
        } else {
            String kid = signingKid(activeOf(published.keys()).orElseThrow(
                    () -> new IllegalStateException("no active " + signsWith.algorithm() + " key")), published);
            Optional<SigningKey> unchanged = previous.map(Snapshot::signingKey).filter(k -> k.keyId().equals(kid));
            if (unchanged.isPresent()) {
                signing = unchanged.get();
            } else {
                signing = store.open(kid);
                LOG.info("signing {} tokens with key {}", signsWith.algorithm(), kid);
            }
        }
        TokenVerifier verifier = previous.filter(p -> p.stored().equals(published.keys())).map(Snapshot::verifier)
                .orElseGet(() -> verifierOf.apply(published.keys()));
        snapshot.set(new Snapshot(signing, published.keys(),
                published.keys().stream().map(StoredKey::publicKey).toList(), verifier));
    }

    /** {@link #maintain()} then {@link #reload()}, for the scheduler: a failure is logged and the current snapshot kept. */
    void maintainAndReloadQuietly() {
        try {
            maintain();
            reload();
        } catch (RuntimeException e) {
            LOG.warn("could not refresh the signing keys, keeping the current ones: {}", e.getMessage());
        }
    }

    /**
     * {@link #reload()} alone, for a change announced by another instance: it reads and writes nothing,
     * so it cannot announce a change of its own. A failure is logged and the current snapshot kept.
     */
    void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("could not reload the signing keys, keeping the current ones: {}", e.getMessage());
        }
    }

    /** The key to sign a token with now. */
    SigningKey signingKey() {
        return snapshot.get().signingKey();
    }

    /** The public keys to publish now: every active and retiring stored key. */
    List<JWK> publishedKeys() {
        return snapshot.get().published();
    }

    /** Checks signatures against the published keys, with verifiers built once per key set. */
    TokenVerifier verifier() {
        return snapshot.get().verifier();
    }

    /**
     * The active key once it has been stored for the publish delay (by the database's clock). Before
     * that, the newest key of the algorithm that has (the one a rotation replaced); if none has yet
     * (several rotations in quick succession, or the very first key), the oldest one, which has been
     * published longest.
     */
    private String signingKid(StoredKey active, PublishedKeys published) {
        if (published.settledKids().contains(active.kid())) {
            return active.kid();
        }
        List<StoredKey> candidates = published.keys().stream().filter(k -> signsWith.algorithm().equals(k.algorithm()))
                .sorted(Comparator.comparing(StoredKey::createdAt)).toList();
        return candidates.stream().filter(k -> published.settledKids().contains(k.kid()))
                .reduce((older, newer) -> newer)
                .or(() -> candidates.stream().findFirst())
                .map(StoredKey::kid)
                .orElse(active.kid());
    }

    private Optional<StoredKey> activeOf(List<StoredKey> keys) {
        return keys.stream().filter(k -> k.state() == KeyState.ACTIVE && signsWith.algorithm().equals(k.algorithm())).findFirst();
    }
}
