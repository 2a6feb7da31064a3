package dev.portaltoken.keys;

import java.util.Locale;

/** Where a signing key is in its life. */
public enum KeyState {
    /** Signs new tokens; exactly one per algorithm. */
    ACTIVE,
    /** No longer signs; still published until its tokens have all expired. */
    RETIRING,
    /** Gone from the JWKS; its private key is erased. */
    RETIRED;

    /** The name stored in the database and shown by {@code keys list}. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static KeyState fromDb(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
