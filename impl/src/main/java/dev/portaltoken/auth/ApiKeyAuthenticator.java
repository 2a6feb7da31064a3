package dev.portaltoken.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies presented API keys against their stored SHA-256 hash, in constant time.
 *
 * <p>Verified keys are cached for at most {@code cacheTtl}, keyed on the SHA-256 of the whole
 * presented key (never on its public id part, so a right id with a wrong secret is never served from
 * the cache); that TTL is also the longest a revoked key keeps working. Failures are not cached.
 * A key's {@code last_used_at} is refreshed when it is verified against the database, so at most
 * once per cache lifetime per instance.
 * Thread-safe.
 */
public final class ApiKeyAuthenticator {
    /** Compared against when the id is unknown, so both failure paths do the same work. */
    private static final byte[] UNKNOWN_KEY_HASH = ApiKeyFormat.sha256("no such key");

    private final ApiKeyRepository repository;
    private final Cache<ByteBuffer, Caller> verified;
    private final Cache<ByteBuffer, Boolean> recentlyValid =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(100_000).build();

    public ApiKeyAuthenticator(ApiKeyRepository repository, Duration cacheTtl) {
        this.repository = repository;
        this.verified = cacheTtl.isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(10_000).build();
    }

    /** Forgets the verification of key {@code keyId} (it was revoked or changed). */
    public void forgetKey(UUID keyId) {
        if (verified != null) {
            verified.asMap().values().removeIf(caller -> caller.apiKeyId().equals(keyId));
        }
    }

    /** Forgets every verified key (changes may have been missed). */
    public void forgetAll() {
        if (verified != null) {
            verified.invalidateAll();
        }
    }

    /**
     * True when exactly this key (compared by the hash of all of it) verified within the last hour.
     * Lets a legitimate key through while its address is locked out for others' failures; it is
     * still verified (and may be refused) as usual.
     */
    public boolean recentlyValid(String presentedKey) {
        return recentlyValid.getIfPresent(ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey))) != null;
    }

    /**
     * The caller of a key verified within the cache lifetime, without touching the database; empty
     * when it is not cached (which says nothing about whether it is valid).
     */
    public Optional<Caller> cached(String presentedKey) {
        if (verified == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(verified.getIfPresent(ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey))));
    }

    /**
     * @param presentedKey the bearer credential as sent, possibly garbage
     * @return the caller, or empty when the key is malformed, unknown, revoked or has a wrong secret
     * @throws SQLException when the key store cannot be read (the caller answers 500, not 401)
     */
    public Optional<Caller> authenticate(String presentedKey) throws SQLException {
        Optional<ApiKeyFormat.Presented> presented = ApiKeyFormat.parse(presentedKey);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer cacheKey = verified == null ? null : ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey));
        if (cacheKey != null) {
            Caller cached = verified.getIfPresent(cacheKey);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<ApiKeyRepository.ActiveKey> stored = repository.findActive(presented.get().id(), presented.get().portal());
        byte[] expected = stored.map(ApiKeyRepository.ActiveKey::secretSha256).orElse(UNKNOWN_KEY_HASH);
        boolean matches = MessageDigest.isEqual(ApiKeyFormat.sha256(presented.get().secret()), expected);
        if (!matches || stored.isEmpty()) {
            return Optional.empty();
        }
        Caller caller = stored.get().caller();
        repository.touch(caller.apiKeyId());
        ByteBuffer fullKeyHash = cacheKey != null ? cacheKey : ByteBuffer.wrap(ApiKeyFormat.sha256(presentedKey));
        recentlyValid.put(fullKeyHash, Boolean.TRUE);
        if (cacheKey != null) {
            verified.put(cacheKey, caller);
        }
        return Optional.of(caller);
    }
}
