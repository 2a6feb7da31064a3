package dev.portaltoken.tenant;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.db.ReadSnapshot;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Creating and finding tenants, with their rules. Thread-safe. */
public final class Tenants {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final TenantRepository repository;

    public Tenants(TenantRepository repository) {
        this.repository = repository;
    }

    /** The tenants of {@code dataSource}'s database. */
    public static Tenants of(DataSource dataSource) {
        return new Tenants(new TenantRepository(dataSource));
    }

    /** As {@link #create(UUID, String, String, String)} with a new id. */
    public Tenant create(String slug, String name, String portalUrl) {
        return create(null, slug, name, portalUrl);
    }

    /**
     * @param id        the tenant's id, as another system knows it (Meteroid's portal finds a tenant by
     *                  the id in its tokens), or null for a new one
     * @param name      display name; the slug when null
     * @param portalUrl this tenant's portal base URL, or null for the configured one
     * @throws Failure INVALID for an invalid slug or URL, CONFLICT for a taken slug or id
     */
    public Tenant create(UUID id, String slug, String name, String portalUrl) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw Failure.invalid("slug must be 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        if (portalUrl != null) {
            requireHttpUrl(portalUrl);
        }
        return repository.create(id, slug, name == null || name.isBlank() ? slug : name, portalUrl)
                .orElseThrow(() -> repository.findBySlug(slug).isPresent() || id == null
                        ? Failure.conflict("a tenant with slug '" + slug + "' already exists")
                        : Failure.conflict("a tenant with id " + id + " already exists"));
    }

    /**
     * Changes a tenant's display name and/or portal URL.
     *
     * @param name           the new name, or null to keep it
     * @param portalUrl      the new portal URL, or null to keep it
     * @param clearPortalUrl drop the tenant's portal URL so the configured one applies; ignored when
     *                       {@code portalUrl} is given
     * @throws Failure INVALID for an invalid name or URL, NOT_FOUND for no such tenant
     */
    public Tenant update(String slug, String name, String portalUrl, boolean clearPortalUrl) {
        if (name != null && name.isBlank()) {
            throw Failure.invalid("name must not be empty");
        }
        if (portalUrl != null) {
            requireHttpUrl(portalUrl);
        }
        return repository.update(slug, name, portalUrl, clearPortalUrl)
                .orElseThrow(() -> Failure.notFound("no tenant with slug '" + slug + "'"));
    }

    /** @throws Failure NOT_FOUND when there is no tenant with this slug */
    public Tenant require(String slug) {
        return find(slug).orElseThrow(() -> Failure.notFound("no tenant with slug '" + slug + "'"));
    }

    /**
     * The tenant with this slug, if there is one. A slug with a NUL character (a path value can carry
     * one, PostgreSQL text cannot) names none.
     */
    public Optional<Tenant> find(String slug) {
        return slug == null || slug.indexOf('\0') >= 0 ? Optional.empty() : repository.findBySlug(slug);
    }

    /** Hands every tenant to {@code each}, by slug, as they are read in {@code snapshot}. */
    public void list(ReadSnapshot snapshot, Consumer<Tenant> each) {
        repository.list(snapshot, each);
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
        throw Failure.invalid("portal URL '" + url + "' must be an absolute http(s) URL");
    }
}
