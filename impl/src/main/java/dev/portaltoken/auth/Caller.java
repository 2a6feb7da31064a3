package dev.portaltoken.auth;

import java.util.Objects;
import java.util.UUID;

/**
 * Who is behind a request, as established from its key, and what kind of key that was.
 *
 * @param kind       a tenant's API key, an operator portal key or an admin key
 * @param tenantId   the tenant a tenant's key belongs to; null for a portal or admin key, which has none
 * @param tenantSlug the tenant's slug; for a portal or admin key, {@code portal:} or {@code admin:} and the
 *                   key's name (for logs)
 * @param apiKeyId   the id of the key that authenticated
 * @param portalUrl  the tenant's portal base URL override, or null to use the configured one
 * @param apiUrl     the tenant's {@code api_url} override, or null to use {@code PUBLIC_URL}
 */
public record Caller(Kind kind, UUID tenantId, String tenantSlug, UUID apiKeyId, String portalUrl, String apiUrl) {

    /** The kinds of key a caller can present; what each may do is decided where it is used. */
    public enum Kind {
        /** A tenant's API key: mints, introspects and revokes that tenant's tokens. */
        TENANT,
        /** An operator portal key: introspects every tenant's tokens, nothing else. */
        PORTAL,
        /** An admin key: the admin API's operator-level operations, never the portal-token endpoints. */
        ADMIN
    }

    public Caller {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.TENANT) != (tenantId != null)) {
            throw new IllegalArgumentException("a tenant's key, and only one, has a tenant");
        }
    }

    /** The caller behind one of the tenant's API keys. */
    public static Caller tenant(UUID tenantId, String tenantSlug, UUID keyId, String portalUrl) {
        return tenant(tenantId, tenantSlug, keyId, portalUrl, null);
    }

    /** The caller behind one of the tenant's API keys, with the tenant's {@code api_url} override (null: none). */
    public static Caller tenant(UUID tenantId, String tenantSlug, UUID keyId, String portalUrl, String apiUrl) {
        return new Caller(Kind.TENANT, tenantId, tenantSlug, keyId, portalUrl, apiUrl);
    }

    /** The caller behind an operator portal key. */
    public static Caller portal(UUID keyId, String name) {
        return new Caller(Kind.PORTAL, null, "portal:" + name, keyId, null, null);
    }

    /** The caller behind an admin key. */
    public static Caller admin(UUID keyId, String name) {
        return new Caller(Kind.ADMIN, null, "admin:" + name, keyId, null, null);
    }

    /** The key's name: an admin or portal key's label, a tenant key's tenant slug. */
    public String name() {
        int colon = tenantSlug.indexOf(':');
        return kind == Kind.TENANT || colon < 0 ? tenantSlug : tenantSlug.substring(colon + 1);
    }

    /** True for a portal key: no tenant, introspection only. */
    public boolean isPortal() {
        return kind == Kind.PORTAL;
    }
}
