package dev.portaltoken.auth;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Page;
import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import dev.portaltoken.ids.Uuids;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Creating, listing and revoking the keys callers present: a tenant's API keys, operators' portal keys
 * and admin keys ({@link Caller.Kind}). A new key is returned once, whole; only a hash of its secret is
 * stored. The admin CLI and the admin API both go through here, with the same rules, and every
 * creation and revocation is recorded in the audit trail (never the secret). Thread-safe.
 */
public final class ApiKeys {
    private static final int MAX_NAME = 255;

    private final ApiKeyRepository repository;
    private final AuditTrail audit;

    public ApiKeys(ApiKeyRepository repository) {
        this.repository = repository;
        this.audit = new AuditTrail(repository.dataSource());
    }

    /** The keys of {@code dataSource}'s database. */
    public static ApiKeys of(DataSource dataSource) {
        return new ApiKeys(new ApiKeyRepository(dataSource));
    }

    /** A new key: as listed, and whole (its secret, shown this once). */
    public record Created(ListedKey listed, ApiKeyFormat.Generated generated) {
        /** The whole key, secret included. */
        public String key() {
            return generated.key();
        }

        @Override
        public String toString() {
            return "Created[" + listed + ", key not shown]";
        }
    }

    /**
     * A new key of {@code kind}, recorded in the audit trail as {@code actor}'s; its secret is not kept.
     *
     * @param tenantId the tenant of an API key ({@link Caller.Kind#TENANT}); null for the others
     * @param name     a label: required for portal and admin keys, optional (null) for API keys
     * @throws Failure INVALID for a missing or bad name
     */
    public Created create(Actor actor, Caller.Kind kind, UUID tenantId, String name) {
        if (name == null ? kind != Caller.Kind.TENANT : name.isBlank() || name.length() > MAX_NAME
                || name.chars().anyMatch(Character::isISOControl)) {
            throw Failure.invalid("name must be 1 to " + MAX_NAME + " characters without control characters"
                    + (kind == Caller.Kind.TENANT ? "" : "; " + noun(kind) + " needs one"));
        }
        ApiKeyFormat.Generated key = switch (kind) {
            case TENANT -> ApiKeyFormat.generate(Uuids.v7());
            case PORTAL -> ApiKeyFormat.generatePortal(Uuids.v7());
            case ADMIN -> ApiKeyFormat.generateAdmin(Uuids.v7());
        };
        return UnitOfWork.inTransaction(repository.dataSource(), c -> {
            ListedKey listed = repository.insert(kind, tenantId, name, key);
            audit.record(actor, action(kind, "create"), tenantId, Base62.encode(listed.id()), null, audited(listed));
            return new Created(listed, key);
        });
    }

    /**
     * Revokes the unrevoked key {@code keyId} of {@code kind} (of {@code tenantId} for an API key),
     * recorded in the audit trail as {@code actor}'s. Servers stop accepting it within a second.
     *
     * @param keepAnAdminKey refuse to revoke the last active admin key (the admin API would lock itself out)
     * @return the key as revoked; empty when there is no such unrevoked key (nothing changed)
     * @throws Failure CONFLICT when {@code keepAnAdminKey} and it is the last active admin key
     */
    public Optional<ListedKey> revoke(Actor actor, Caller.Kind kind, UUID tenantId, UUID keyId, boolean keepAnAdminKey) {
        return UnitOfWork.inTransaction(repository.dataSource(), c -> {
            if (kind == Caller.Kind.ADMIN && keepAnAdminKey && repository.lockActiveAdminKeys().equals(java.util.Set.of(keyId))) {
                throw Failure.conflict("that is the last active admin key; create another one first (or revoke it"
                        + " with the CLI's admin-key revoke)");
            }
            Optional<ListedKey> revoked = repository.revoke(kind, tenantId, keyId);
            revoked.ifPresent(key -> {
                Map<String, Object> before = audited(key);
                before.put("revoked_at", null);
                audit.record(actor, action(kind, "revoke"), tenantId, Base62.encode(key.id()), before, audited(key));
            });
            return revoked;
        });
    }

    /** The keys of {@code kind} (of {@code tenantId} for API keys) oldest first, a page at a time; never a secret. */
    public Page<ListedKey> page(Caller.Kind kind, UUID tenantId, int limit, String cursor) {
        UUID after = Page.after(cursor).map(text -> parseId(text)
                .orElseThrow(() -> Failure.invalid("cursor is not one this server gave"))).orElse(new UUID(0, 0));
        return Page.of(repository.page(kind, tenantId, after, limit + 1), limit, key -> key.id().toString());
    }

    /** A new API key of {@code tenantId}, labelled {@code name} (may be null), by the CLI. */
    public ApiKeyFormat.Generated create(UUID tenantId, String name) {
        return create(Actor.cli(), Caller.Kind.TENANT, tenantId, name).generated();
    }

    /** A new operator portal key, labelled {@code name}, by the CLI. */
    public ApiKeyFormat.Generated createPortal(String name) {
        return create(Actor.cli(), Caller.Kind.PORTAL, null, name).generated();
    }

    /** A new admin key, labelled {@code name}, by the CLI: it may do everything the admin API offers. */
    public ApiKeyFormat.Generated createAdmin(String name) {
        return create(Actor.cli(), Caller.Kind.ADMIN, null, name).generated();
    }

    /** By the CLI. @return false when there is no such unrevoked admin key (nothing changed) */
    public boolean revokeAdmin(UUID keyId) {
        return revoke(Actor.cli(), Caller.Kind.ADMIN, null, keyId, false).isPresent();
    }

    /** By the CLI. @return false when the tenant has no such unrevoked key (nothing changed) */
    public boolean revoke(UUID tenantId, UUID keyId) {
        return revoke(Actor.cli(), Caller.Kind.TENANT, tenantId, keyId, false).isPresent();
    }

    /** By the CLI. @return false when there is no such unrevoked portal key (nothing changed) */
    public boolean revokePortal(UUID keyId) {
        return revoke(Actor.cli(), Caller.Kind.PORTAL, null, keyId, false).isPresent();
    }

    /** Hands each admin key to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void listAdmin(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        repository.listAdmin(snapshot, each);
    }

    /** Hands each of the tenant's keys to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedKey> each) {
        repository.list(snapshot, tenantId, each);
    }

    /** Hands each portal key to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void listPortal(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        repository.listPortal(snapshot, each);
    }

    /**
     * A key's id as lists show it (base62) or as a UUID; never a whole key (that would put a secret in
     * a shell's history or a URL).
     */
    public static Optional<UUID> parseId(String text) {
        if (text == null || text.contains("/") || text.startsWith("pt_")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Base62.decode(text, 0);
        }
    }

    /** What a kind of key is called: {@code API key}, {@code portal key}, {@code admin key}. */
    public static String kindName(Caller.Kind kind) {
        return switch (kind) {
            case TENANT -> "API key";
            case PORTAL -> "portal key";
            case ADMIN -> "admin key";
        };
    }

    /** {@link #kindName} with its article: {@code an API key}, {@code a portal key}, {@code an admin key}. */
    public static String noun(Caller.Kind kind) {
        return (kind == Caller.Kind.PORTAL ? "a " : "an ") + kindName(kind);
    }

    private static String action(Caller.Kind kind, String verb) {
        return (kind == Caller.Kind.TENANT ? "api" : kind.name().toLowerCase(Locale.ROOT)) + "_key." + verb;
    }

    /** The key as the audit trail records it: never its secret, hash or hint. */
    private static Map<String, Object> audited(ListedKey key) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("id", Base62.encode(key.id()));
        object.put("name", key.name());
        object.put("created_at", key.created().toString());
        object.put("revoked_at", key.revoked() == null ? null : key.revoked().toString());
        return object;
    }
}
