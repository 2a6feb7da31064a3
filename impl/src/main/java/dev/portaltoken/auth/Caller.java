package dev.portaltoken.auth;

import java.util.UUID;

/**
 * The authenticated tenant behind a request, as established from its API key.
 *
 * @param portalUrl the tenant's portal base URL override, or null to use the configured one
 */
public record Caller(UUID tenantId, String tenantSlug, UUID apiKeyId, String portalUrl) {
}
