package dev.portaltoken.keys;

import dev.portaltoken.config.ConfigException;
import java.security.GeneralSecurityException;

/**
 * Seals other secrets than signing keys (a tenant's upstream API key, a webhook endpoint secret) as
 * the signing keys are sealed: AES-256-GCM under the key encryption key, a random 96-bit nonce each,
 * and a caller-chosen context (what the secret is and whose) as associated data, so that a sealed
 * secret opens only where it was sealed for. Thread-safe.
 */
public final class SecretBox {
    /** A sealed secret: the nonce and the ciphertext with its tag. */
    public record Sealed(byte[] nonce, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Sealed[" + ciphertext.length + " bytes]";
        }
    }

    private final KeyEncryptionKey key;

    SecretBox(KeyEncryptionKey key) {
        this.key = key;
    }

    /** @param context what the secret is and whose, e.g. {@code meteroid-api-key:<tenant id>} */
    public Sealed seal(String context, byte[] secret) {
        SealedKey sealed = key.seal(context, secret);
        return new Sealed(sealed.nonce(), sealed.ciphertext());
    }

    /**
     * @throws ConfigException when the key encryption key in use did not seal it for {@code context}
     *                         (another key encryption key, or altered bytes)
     */
    public byte[] open(String context, Sealed sealed) {
        try {
            return key.open(context, new SealedKey(sealed.nonce(), sealed.ciphertext()));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("a stored secret (" + context.replaceFirst(":.*", "") + ") does not open with the"
                    + " key encryption key from " + key.source() + ": it was stored under another one");
        }
    }
}
