package dev.portaltoken.keys;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.config.Secret;
import dev.portaltoken.config.Setting;
import dev.portaltoken.util.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 key that encrypts signing keys at rest: AES-GCM with a random 96-bit nonce per key
 * and the key's {@code kid} as associated data, so that a sealed key cannot be moved to another
 * row. Thread-safe.
 */
final class KeyEncryptionKey {
    /** The file in the data directory that holds the generated key when none is configured. */
    static final String FILE = "key-encryption-key";
    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKey.class);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;

    KeyEncryptionKey(byte[] key, String source) {
        if (key.length != SigningConfig.KEY_ENCRYPTION_KEY_BYTES) {
            throw new IllegalArgumentException("a key encryption key is 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.source = source;
    }

    /**
     * The configured key ({@code PORTAL_KEY_ENCRYPTION_KEY}, already decoded), else the one in
     * {@code <dataDir>/key-encryption-key}, generated there once with owner-only permissions, but
     * only while the database holds no signing key that a lost key encryption key had sealed.
     *
     * @param storedKeysExist whether the database holds sealed signing keys
     * @throws ConfigException when the file cannot be read or created, or does not hold a key, or is
     *                         missing although stored keys need it
     */
    static KeyEncryptionKey resolve(Optional<Secret> configured, Path dataDir, boolean storedKeysExist) {
        if (configured.isPresent()) {
            return new KeyEncryptionKey(configured.get().bytes(), Setting.KEY_ENCRYPTION_KEY.env());
        }
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        if (storedKeysExist && !Files.exists(file)) {
            throw new ConfigException(Setting.KEY_ENCRYPTION_KEY.env() + " is not set and there is no " + file
                    + ", but the database holds signing keys: set it to the key encryption key they were stored with");
        }
        return loadOrGenerate(file);
    }

    /** Where the key comes from, for messages: the setting's name or the file. Never the key. */
    String source() {
        return source;
    }

    SealedKey seal(String kid, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return new SealedKey(nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * @throws GeneralSecurityException when this key did not seal {@code sealed} for {@code kid}
     *                                  (another key, another kid, or altered bytes)
     */
    byte[] open(String kid, SealedKey sealed) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed.ciphertext());
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[" + source + "]";
    }

    private static KeyEncryptionKey loadOrGenerate(Path file) {
        try {
            SecretFile.Outcome outcome = SecretFile.readOrCreate(file, () -> {
                byte[] key = new byte[SigningConfig.KEY_ENCRYPTION_KEY_BYTES];
                RANDOM.nextBytes(key);
                return Base64.getEncoder().encodeToString(key);
            });
            if (outcome.created()) {
                LOG.warn("generated a new key encryption key into {} (owner-only): it encrypts the signing keys in the"
                        + " database, so keep a copy apart from the database backups; in production set {} instead",
                        file, Setting.KEY_ENCRYPTION_KEY.env());
            }
            return decode(file, outcome.secret());
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the key encryption key " + file + ": " + e.getMessage());
        }
    }

    private static KeyEncryptionKey decode(Path file, String text) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != SigningConfig.KEY_ENCRYPTION_KEY_BYTES) {
            throw new ConfigException(file + ": not a base64-encoded 256-bit key encryption key");
        }
        return new KeyEncryptionKey(key, file.toString());
    }
}
