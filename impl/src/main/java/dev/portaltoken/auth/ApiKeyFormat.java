package dev.portaltoken.auth;

import dev.portaltoken.ids.Base62;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys look like {@code pt_live_<secret>/<id>}: a 43-character base62 secret (256 random bits)
 * and the base62 of the key row's UUID, which is public and used for an indexed lookup. Only the
 * SHA-256 of the secret is stored. Stateless and thread-safe.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "pt_live_";
    static final int SECRET_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    /** A key as presented by a caller, split into its parts; not yet verified. */
    public record Presented(UUID id, String secret) {
        @Override
        public String toString() {
            return "Presented[id=" + id + "]";
        }
    }

    /** A newly generated key: {@link #key()} is shown once and never stored. */
    public record Generated(UUID id, String key, byte[] secretHash, String hint) {
        @Override
        public String toString() {
            return "Generated[id=" + id + ", hint=" + hint + "]";
        }
    }

    public static Generated generate(UUID id) {
        char[] secret = new char[SECRET_LENGTH];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = Base62.digit(RANDOM.nextInt(62));
        }
        String s = new String(secret);
        return new Generated(id, PREFIX + s + "/" + Base62.encode(id), sha256(s), hint(s));
    }

    /** Splits a presented key; empty when it does not have the shape of one of our keys. */
    public static Optional<Presented> parse(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int slash = PREFIX.length() + SECRET_LENGTH;
        if (key.length() <= slash + 1 || key.charAt(slash) != '/') {
            return Optional.empty();
        }
        String secret = key.substring(PREFIX.length(), slash);
        if (!Base62.isBase62(secret)) {
            return Optional.empty();
        }
        return Base62.decode(key, slash + 1).map(id -> new Presented(id, secret));
    }

    /** A display hint that identifies a key without revealing it: prefix, 4 first and 4 last secret characters. */
    static String hint(String secret) {
        return PREFIX + secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
