package dev.portaltoken.audit;

import dev.portaltoken.ids.Base62;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Who made a change, as the audit trail records it: a key (by its id and its name or tenant), the
 * admin CLI (by the operating-system user that ran it), or a part of the system itself. Never a
 * secret.
 *
 * @param keyId the key that made the change; null for the CLI and the system
 * @param name  the key's name (an admin key) or tenant's slug (an API key), the OS user, or the part
 */
public record Actor(Kind kind, UUID keyId, String name) {

    /** The kinds of actor. */
    public enum Kind {
        ADMIN_KEY, API_KEY, CLI, SYSTEM;

        /** As stored and shown, e.g. {@code admin_key}. */
        public String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** An admin key. */
    public static Actor adminKey(UUID keyId, String name) {
        return new Actor(Kind.ADMIN_KEY, keyId, name);
    }

    /** A tenant's API key. */
    public static Actor apiKey(UUID keyId, String tenantSlug) {
        return new Actor(Kind.API_KEY, keyId, tenantSlug);
    }

    /** The admin CLI, run by this process's operating-system user. */
    public static Actor cli() {
        return new Actor(Kind.CLI, null, System.getProperty("user.name", "unknown"));
    }

    /** A part of the system acting on its own, e.g. a synchronisation. */
    public static Actor system(String part) {
        return new Actor(Kind.SYSTEM, null, part);
    }

    /** The key's id as the API answers and the CLI lists it (base62), or null for the CLI and the system. */
    public String publicKeyId() {
        return keyId == null ? null : Base62.encode(keyId);
    }

    /** As logged: {@code <kind>:<name>}, or {@code <kind>:<public key id>(<name>)} for a key. */
    @Override
    public String toString() {
        return kind.dbName() + ":" + (keyId == null ? name : publicKeyId() + "(" + name + ")");
    }
}
