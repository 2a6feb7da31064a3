package dev.portaltoken.auth;

import java.util.UUID;

/**
 * Who is behind a request, as established from its key: a tenant (by an API key) or, with
 * {@code tenantId} null, an operator's portal (by a portal key), which may only introspect tokens.
 *
 * @param tenantSlug the tenant's slug; for a portal key, {@code portal:} and the key's name (for logs)
 * @param apiKeyId   the id of the key that authenticated
 * @param portalUrl  the tenant's portal base URL override, or null to use the configured one
 */
public record Caller(UUID tenantId, String tenantSlug, UUID apiKeyId, String portalUrl) {

    /** The caller behind an operator portal key. */
    public static Caller portal(UUID keyId, String name) {
        return new Caller(null, "portal:" + name, keyId, null);
    }

    /** True for a portal key: no tenant, introspection only. */
    public boolean isPortal() {
        return tenantId == null;
    }
}
