package dev.portaltoken.auth;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.ids.Uuids;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Creating, listing and revoking the keys callers present: a tenant's API keys and operators'
 * portal keys. A new key is returned once, whole; only a hash of its secret is stored. What the admin
 * CLI does with keys goes through here, as the admin API's will; admin keys too. Thread-safe.
 */
public final class ApiKeys {
    private final ApiKeyRepository repository;

    public ApiKeys(ApiKeyRepository repository) {
        this.repository = repository;
    }

    /** The keys of {@code dataSource}'s database. */
    public static ApiKeys of(DataSource dataSource) {
        return new ApiKeys(new ApiKeyRepository(dataSource));
    }

    /** A new API key of {@code tenantId}, labelled {@code name} (may be null); its secret is not kept. */
    public ApiKeyFormat.Generated create(UUID tenantId, String name) {
        ApiKeyFormat.Generated key = ApiKeyFormat.generate(Uuids.v7());
        repository.insert(tenantId, name, key);
        return key;
    }

    /** A new operator portal key, labelled {@code name}; its secret is not kept. */
    public ApiKeyFormat.Generated createPortal(String name) {
        ApiKeyFormat.Generated key = ApiKeyFormat.generatePortal(Uuids.v7());
        repository.insert(null, name, key);
        return key;
    }

    /**
     * A new admin key, labelled {@code name}: it may do everything the admin API offers, on every
     * tenant. Its secret is not kept.
     */
    public ApiKeyFormat.Generated createAdmin(String name) {
        ApiKeyFormat.Generated key = ApiKeyFormat.generateAdmin(Uuids.v7());
        repository.insertAdmin(name, key);
        return key;
    }

    /** @return false when there is no such unrevoked admin key (nothing changed) */
    public boolean revokeAdmin(UUID keyId) {
        return repository.revokeAdmin(keyId);
    }

    /** Hands each admin key to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void listAdmin(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        repository.listAdmin(snapshot, each);
    }

    /** @return false when the tenant has no such unrevoked key (nothing changed) */
    public boolean revoke(UUID tenantId, UUID keyId) {
        return repository.revoke(tenantId, keyId);
    }

    /** @return false when there is no such unrevoked portal key (nothing changed) */
    public boolean revokePortal(UUID keyId) {
        return repository.revokePortal(keyId);
    }

    /** Hands each of the tenant's keys to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedKey> each) {
        repository.list(snapshot, tenantId, each);
    }

    /** Hands each portal key to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void listPortal(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        repository.listPortal(snapshot, each);
    }
}
