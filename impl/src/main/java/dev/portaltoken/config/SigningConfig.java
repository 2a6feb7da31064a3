package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.crypto.SignerProvider;
import java.time.Duration;
import java.util.Optional;

/**
 * How tokens are signed: the algorithm (EdDSA, ES256 or HS256), which implementation must sign the
 * asymmetric ones (empty: the best available, see {@code Signers.select}), the HS256 shared secret
 * (its UTF-8 bytes), the key encryption key for stored keys ({@value #KEY_ENCRYPTION_KEY_BYTES}
 * decoded bytes; empty: the file in the data directory) and how often the stored keys are re-read.
 * Immutable.
 */
public record SigningConfig(JWSAlgorithm algorithm, Optional<SignerProvider> signer, Optional<Secret> jwtSecret,
                            Optional<Secret> keyEncryptionKey, Duration refreshInterval) {
    /** The length of a key encryption key (AES-256). */
    public static final int KEY_ENCRYPTION_KEY_BYTES = 32;
}
