package dev.portaltoken.tenant;

import dev.portaltoken.errors.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** Creating and finding tenants, with their rules. Thread-safe. */
public final class Tenants {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final TenantRepository repository;

    public Tenants(TenantRepository repository) {
        this.repository = repository;
    }

    /**
     * @param name      display name; the slug when null
     * @param portalUrl this tenant's portal base URL, or null for the configured one
     * @throws ApiException BAD_REQUEST for an invalid or taken slug or an invalid URL
     */
    public Tenant create(String slug, String name, String portalUrl) throws SQLException {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw ApiException.badRequest("slug must be 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        if (portalUrl != null) {
            requireHttpUrl(portalUrl);
        }
        return repository.create(slug, name == null || name.isBlank() ? slug : name, portalUrl)
                .orElseThrow(() -> ApiException.badRequest("a tenant with slug '" + slug + "' already exists"));
    }

    /**
     * Changes a tenant's display name and/or portal URL.
     *
     * @param name           the new name, or null to keep it
     * @param portalUrl      the new portal URL, or null to keep it
     * @param clearPortalUrl drop the tenant's portal URL so the configured one applies; ignored when
     *                       {@code portalUrl} is given
     * @throws ApiException BAD_REQUEST for an invalid name or URL, NOT_FOUND for no such tenant
     */
    public Tenant update(String slug, String name, String portalUrl, boolean clearPortalUrl) throws SQLException {
        if (name != null && name.isBlank()) {
            throw ApiException.badRequest("name must not be empty");
        }
        if (portalUrl != null) {
            requireHttpUrl(portalUrl);
        }
        return repository.update(slug, name, portalUrl, clearPortalUrl)
                .orElseThrow(() -> ApiException.notFound("no tenant with slug '" + slug + "'"));
    }

    /** @throws ApiException NOT_FOUND when there is no tenant with this slug */
    public Tenant require(String slug) throws SQLException {
        return repository.findBySlug(slug)
                .orElseThrow(() -> ApiException.notFound("no tenant with slug '" + slug + "'"));
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw ApiException.badRequest("portal URL '" + url + "' must be an absolute http(s) URL");
    }
}
