package dev.portaltoken.tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * An account of this service (a SaaS using the portal).
 *
 * @param portalUrl overrides the configured portal base URL when not null
 * @param apiUrl    the {@code api_url} this tenant's callers are told, overriding {@code PUBLIC_URL} when not null
 * @param version   increases with every change: the tenant's {@code ETag} in the admin API
 */
public record Tenant(UUID id, String slug, String name, String portalUrl, String apiUrl, long version,
                     Instant createdAt) {
}
