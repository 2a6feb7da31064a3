package dev.portaltoken.auth;

import java.security.MessageDigest;

/**
 * The two operations that check a presented secret against a stored hash: SHA-256 of the secret and
 * a constant-time comparison. A seam through which tests see that every failure path does the same
 * work. Implementations are stateless and thread-safe.
 */
interface SecretDigest {
    /** SHA-256 and {@link MessageDigest#isEqual}. */
    SecretDigest SHA256 = new SecretDigest() {
        @Override
        public byte[] hash(String secret) {
            return ApiKeyFormat.sha256(secret);
        }

        @Override
        public boolean equal(byte[] presented, byte[] stored) {
            return MessageDigest.isEqual(presented, stored);
        }
    };

    byte[] hash(String secret);

    /** In time that depends only on the lengths, never on where the arrays differ. */
    boolean equal(byte[] presented, byte[] stored);
}
