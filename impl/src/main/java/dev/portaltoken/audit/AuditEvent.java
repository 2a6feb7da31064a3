package dev.portaltoken.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One recorded write.
 *
 * @param tenantId the tenant it concerns; null for operator-level objects (portal, admin and signing keys)
 * @param target   what it was done to: a {@code cus_} id, a slug, a key id, a kid
 * @param before   the object before, null for a creation; never a secret
 * @param after    the object after, null when it is gone; never a secret
 */
public record AuditEvent(UUID id, Instant at, Actor actor, String action, UUID tenantId, String target,
                         Map<String, Object> before, Map<String, Object> after) {
}
