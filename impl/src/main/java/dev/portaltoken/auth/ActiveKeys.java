package dev.portaltoken.auth;

import java.util.Optional;
import java.util.UUID;

/**
 * What verifying a key reads and writes in the key store ({@link ApiKeyRepository}); a seam through
 * which tests count the work each path of {@link ApiKeyAuthenticator} does. Implementations are
 * thread-safe.
 */
interface ActiveKeys {
    /** The unrevoked key {@code keyId} of this kind, if there is one. */
    Optional<ApiKeyRepository.ActiveKey> findActive(UUID keyId, Caller.Kind kind);

    /** Records that the key was used. */
    void touch(UUID keyId);
}
