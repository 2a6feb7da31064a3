package dev.portaltoken.auth;

import java.time.Instant;
import java.util.UUID;

/** A key as listed to its tenant's operators (or, for portal keys, to operators): never its secret or hash. */
public record ListedKey(UUID id, String hint, String name, Instant created, Instant lastUsed, Instant revoked) {
}
