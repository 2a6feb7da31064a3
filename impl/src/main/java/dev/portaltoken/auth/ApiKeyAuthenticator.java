package dev.portaltoken.auth;

import dev.portaltoken.cache.Freshness;
import dev.portaltoken.cache.GuardedCache;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Verifies presented API keys against their stored SHA-256 hash, in constant time.
 *
 * <p>Verified keys are cached for at most {@code cacheTtl}, keyed on the SHA-256 of the whole
 * presented key (never on its public id part, so a right id with a wrong secret is never served from
 * the cache); that TTL is also the longest a revoked key keeps working should its notification be
 * missed, and while notifications are not known to arrive an entry is trusted only as
 * {@link Freshness} allows. Failures are not cached. A key's {@code last_used_at} is refreshed when
 * it is verified against the database, so at most once per cache lifetime per instance.
 * Thread-safe.
 */
public final class ApiKeyAuthenticator {
    /** Compared against when the id is unknown, so both failure paths do the same work. */
    private static final byte[] UNKNOWN_KEY_HASH = ApiKeyFormat.sha256("no such key");

    private final ActiveKeys repository;
    private final SecretDigest digest;
    private final GuardedCache<ByteBuffer, Caller> verified;

    /** Without a cache: every key is verified against the database (admin work). */
    public ApiKeyAuthenticator(ApiKeyRepository repository) {
        this(repository, Duration.ZERO, Freshness.UNTIL_EXPIRY);
    }

    /** Without a cache, on {@code dataSource}'s database (admin work). */
    public static ApiKeyAuthenticator forAdmin(DataSource dataSource) {
        return new ApiKeyAuthenticator(new ApiKeyRepository(dataSource));
    }

    public ApiKeyAuthenticator(ApiKeyRepository repository, Duration cacheTtl, Freshness freshness) {
        this(repository, cacheTtl, freshness, SecretDigest.SHA256);
    }

    ApiKeyAuthenticator(ActiveKeys repository, Duration cacheTtl, Freshness freshness, SecretDigest digest) {
        this.repository = repository;
        this.digest = digest;
        this.verified = new GuardedCache<>(cacheTtl, Duration.ZERO, 10_000, freshness, Runnable::run);
    }

    /** Forgets the verification of key {@code keyId}, and verifications in flight (it was revoked or changed). */
    public void forgetKey(UUID keyId) {
        verified.invalidateIf((hash, caller) -> caller.apiKeyId().equals(keyId));
    }

    /** Forgets the verified keys of {@code tenantId} (its slug or portal URL changed); portal keys have none. */
    public void forgetTenant(UUID tenantId) {
        verified.invalidateIf((hash, caller) -> tenantId.equals(caller.tenantId()));
    }

    /** Forgets every verified key (changes may have been missed). */
    public void forgetAll() {
        verified.invalidateAll();
    }

    /**
     * The caller of a key verified within the cache lifetime, without touching the database; empty
     * when it is not cached (which says nothing about whether it is valid).
     */
    public Optional<Caller> cached(String presentedKey) {
        return verified.getIfPresent(ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey)));
    }

    /**
     * @param presentedKey the bearer credential as sent, possibly garbage
     * @return the caller, or empty when the key is malformed, unknown, revoked or has a wrong secret
     * @throws dev.portaltoken.db.DataAccessException when the key store cannot be read (the caller answers 500, not 401)
     */
    public Optional<Caller> authenticate(String presentedKey) {
        Optional<ApiKeyFormat.Presented> presented = ApiKeyFormat.parse(presentedKey);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        return verified.get(ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey)), hash -> verify(presented.get()));
    }

    /** The caller of a well-formed key, checked against the database; null when it does not verify. */
    private Caller verify(ApiKeyFormat.Presented presented) {
        Optional<ApiKeyRepository.ActiveKey> stored = repository.findActive(presented.id(), presented.kind());
        byte[] expected = stored.map(ApiKeyRepository.ActiveKey::secretSha256).orElse(UNKNOWN_KEY_HASH);
        boolean matches = digest.equal(digest.hash(presented.secret()), expected);
        if (!matches || stored.isEmpty()) {
            return null;
        }
        Caller caller = stored.get().caller();
        repository.touch(caller.apiKeyId());
        return caller;
    }
}
