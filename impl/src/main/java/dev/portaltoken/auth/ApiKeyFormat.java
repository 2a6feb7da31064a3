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
 * and the base62 of the key row's UUID, which is public and used for an indexed lookup. Operator
 * portal keys have the same shape with the prefix {@code pt_portal_}, admin keys (the admin API's) with
 * {@code pt_admin_}. Only the SHA-256 of the secret
 * is stored. Stateless and thread-safe.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "pt_live_";
    public static final String PORTAL_PREFIX = "pt_portal_";
    public static final String ADMIN_PREFIX = "pt_admin_";
    static final int SECRET_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One per thread: {@code digest} leaves it reset for the next use. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ApiKeyFormat::newSha256);

    private ApiKeyFormat() {
    }

    /**
     * A key as presented by a caller, split into its parts; not yet verified.
     *
     * @param kind the kind of key its prefix says it is
     */
    public record Presented(UUID id, String secret, Caller.Kind kind) {
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

    /** A new API key. */
    public static Generated generate(UUID id) {
        return generate(id, PREFIX);
    }

    /** A new operator portal key. */
    public static Generated generatePortal(UUID id) {
        return generate(id, PORTAL_PREFIX);
    }

    /** A new admin key. */
    public static Generated generateAdmin(UUID id) {
        return generate(id, ADMIN_PREFIX);
    }

    private static Generated generate(UUID id, String prefix) {
        char[] secret = new char[SECRET_LENGTH];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = Base62.digit(RANDOM.nextInt(62));
        }
        String s = new String(secret);
        return new Generated(id, prefix + s + "/" + Base62.encode(id), sha256(s), hint(prefix, s));
    }

    /** Splits a presented key; empty when it does not have the shape of one of our keys. */
    public static Optional<Presented> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Caller.Kind kind = key.startsWith(PREFIX) ? Caller.Kind.TENANT : key.startsWith(PORTAL_PREFIX)
                ? Caller.Kind.PORTAL : key.startsWith(ADMIN_PREFIX) ? Caller.Kind.ADMIN : null;
        if (kind == null) {
            return Optional.empty();
        }
        String prefix = kind == Caller.Kind.TENANT ? PREFIX : kind == Caller.Kind.PORTAL ? PORTAL_PREFIX : ADMIN_PREFIX;
        int slash = prefix.length() + SECRET_LENGTH;
        if (key.length() <= slash + 1 || key.charAt(slash) != '/') {
            return Optional.empty();
        }
        String secret = key.substring(prefix.length(), slash);
        if (!Base62.isBase62(secret)) {
            return Optional.empty();
        }
        return Base62.decode(key, slash + 1).map(id -> new Presented(id, secret, kind));
    }

    /** A display hint that identifies a key without revealing it: prefix, 4 first and 4 last secret characters. */
    static String hint(String prefix, String secret) {
        return prefix + secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
    }

    public static byte[] sha256(String text) {
        // Not getInstance per call: its provider lookup cost more than the hash, and a clone a third of it.
        return SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
