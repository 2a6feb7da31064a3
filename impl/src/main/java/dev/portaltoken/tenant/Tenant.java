package dev.portaltoken.tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * An account of this service (a SaaS using the portal).
 *
 * @param portalUrl overrides the configured portal base URL when not null
 */
public record Tenant(UUID id, String slug, String name, String portalUrl, Instant createdAt) {
}
