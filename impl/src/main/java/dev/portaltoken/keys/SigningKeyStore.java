package dev.portaltoken.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, rotates and opens the stored signing keys, whose private halves are sealed under the key
 * encryption key. Thread-safe.
 */
final class SigningKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);

    private final SigningKeyRepository repository;
    private final KeyEncryptionKey encryptionKey;
    private final SignerProvider provider;

    SigningKeyStore(SigningKeyRepository repository, KeyEncryptionKey encryptionKey, SignerProvider provider) {
        this.repository = repository;
        this.encryptionKey = encryptionKey;
        this.provider = provider;
    }

    /**
     * Opens every published stored key with the key encryption key.
     *
     * @throws ConfigException naming the key's source when it does not open one of them
     */
    void checkEncryptionKey() {
        Map<String, SealedKey> stored = repository.sealed().findAll();
        for (Map.Entry<String, SealedKey> sealed : stored.entrySet()) {
            openJwk(sealed.getKey(), sealed.getValue());
        }
        LOG.info("signing keys are encrypted with the key encryption key from {} ({} stored key(s) open with it)",
                encryptionKey.source(), stored.size());
    }

    /**
     * Creates an active key for {@code algorithm} unless it has one; safe when several instances do
     * this at once.
     *
     * @return true when this call created it
     */
    boolean ensureActive(JWSAlgorithm algorithm) {
        if (repository.findActiveKid(algorithm).isPresent()) {
            return false;
        }
        SigningKeyRepository.NewKey key = newKey(algorithm);
        boolean created = repository.insertActiveIfNone(key);
        if (created) {
            LOG.info("created a new {} signing key {}", algorithm, key.kid());
        }
        return created;
    }

    /**
     * Makes a new key the active one for {@code algorithm}; the previous one becomes retiring for
     * {@link SigningKeys#RETIRE_AFTER}. Checks first that the key encryption key opens the stored keys, so that
     * it never stores a key the running servers cannot open.
     */
    SigningKeys.Rotation rotate(JWSAlgorithm algorithm) {
        checkEncryptionKey();
        SigningKeyRepository.NewKey key = newKey(algorithm);
        Optional<SigningKeyRepository.Demoted> previous = repository.rotate(key, SigningKeys.RETIRE_AFTER);
        LOG.info("rotated the {} signing key: {} is active{}", algorithm, key.kid(),
                previous.map(p -> ", " + p.kid() + " retires at " + p.retiresAt()).orElse(""));
        return new SigningKeys.Rotation(key.kid(), algorithm, previous.map(SigningKeyRepository.Demoted::kid),
                previous.map(SigningKeyRepository.Demoted::retiresAt));
    }

    /**
     * The signer of a published key, its private half opened with the key encryption key.
     *
     * @throws ConfigException when the key encryption key does not open it
     */
    SigningKey open(String kid) {
        SealedKey sealed = repository.sealed().find(kid)
                .orElseThrow(() -> new IllegalStateException("signing key " + kid + " is no longer published"));
        JWK jwk = openJwk(kid, sealed);
        try {
            return new SigningKey(Signers.algorithmOf(jwk), kid, Signers.signer(jwk, provider));
        } catch (JOSEException e) {
            throw new IllegalStateException("stored signing key " + kid + " is unusable: " + e.getMessage());
        }
    }

    private JWK openJwk(String kid, SealedKey sealed) {
        try {
            JWK jwk = JWK.parse(new String(encryptionKey.open(kid, sealed), StandardCharsets.UTF_8));
            if (kid.equals(jwk.getKeyID()) && jwk.isPrivate()) {
                return jwk;
            }
        } catch (GeneralSecurityException | ParseException e) {
            // reported below, without anything about the key
        }
        throw new ConfigException(encryptionKey.source() + " does not decrypt the stored signing key " + kid
                + ": it is not the key encryption key the signing keys were stored with");
    }

    private SigningKeyRepository.NewKey newKey(JWSAlgorithm algorithm) {
        JWK key = Signers.generate(algorithm);
        return new SigningKeyRepository.NewKey(key.getKeyID(), algorithm, key.toPublicJWK().toJSONString(),
                encryptionKey.seal(key.getKeyID(), key.toJSONString().getBytes(StandardCharsets.UTF_8)));
    }
}
