package dev.portaltoken.tenant;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Page;
import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Creating, finding and changing tenants, with their rules, for the admin CLI and the admin API alike;
 * every change is recorded in the audit trail in its transaction. Thread-safe.
 */
public final class Tenants {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern UUID_TEXT =
            Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");
    private static final int MAX_NAME = 255;

    private final TenantRepository repository;
    private final AuditTrail audit;

    public Tenants(TenantRepository repository) {
        this.repository = repository;
        this.audit = new AuditTrail(repository.dataSource());
    }

    /** The tenants of {@code dataSource}'s database. */
    public static Tenants of(DataSource dataSource) {
        return new Tenants(new TenantRepository(dataSource));
    }

    /** As {@link #create(Actor, UUID, String, String, String, String)} by the CLI, with a new id. */
    public Tenant create(String slug, String name, String portalUrl) {
        return create(Actor.cli(), null, slug, name, portalUrl, null);
    }

    /** As {@link #create(Actor, UUID, String, String, String, String)} by the CLI. */
    public Tenant create(UUID id, String slug, String name, String portalUrl) {
        return create(Actor.cli(), id, slug, name, portalUrl, null);
    }

    /**
     * Creates a tenant, recorded in the audit trail as {@code actor}'s.
     *
     * @param id        the tenant's id, as another system knows it (Meteroid's portal finds a tenant by
     *                  the id in its tokens), or null for a new one
     * @param name      display name; the slug when null
     * @param portalUrl this tenant's portal base URL, or null for the configured one
     * @param apiUrl    the {@code api_url} its callers are told, or null for {@code PUBLIC_URL}
     * @throws Failure INVALID for an invalid slug, name or URL, CONFLICT for a taken slug or id
     */
    public Tenant create(Actor actor, UUID id, String slug, String name, String portalUrl, String apiUrl) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw Failure.invalid("slug must be 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        checkName(name);
        checkUrl("portal URL", portalUrl);
        checkUrl("API URL", apiUrl);
        return UnitOfWork.inTransaction(repository.dataSource(), c -> {
            Tenant created = repository.create(id, slug, name == null || name.isBlank() ? slug : name, portalUrl, apiUrl)
                    .orElseThrow(() -> repository.findBySlug(slug).isPresent() || id == null
                            ? Failure.conflict("a tenant with slug '" + slug + "' already exists")
                            : Failure.conflict("a tenant with id " + id + " already exists"));
            audit.record(actor, "tenant.create", created.id(), created.slug(), null, audited(created));
            return created;
        });
    }

    /**
     * Changes a tenant's display name and/or portal URL, by the CLI.
     *
     * @param name           the new name, or null to keep it
     * @param portalUrl      the new portal URL, or null to keep it
     * @param clearPortalUrl drop the tenant's portal URL so the configured one applies; ignored when
     *                       {@code portalUrl} is given
     * @throws Failure INVALID for an invalid name or URL, NOT_FOUND for no such tenant
     */
    public Tenant update(String slug, String name, String portalUrl, boolean clearPortalUrl) {
        return update(Actor.cli(), require(slug), name, portalUrl == null && clearPortalUrl ? "" : portalUrl, null, null);
    }

    /**
     * Changes a tenant, recorded in the audit trail as {@code actor}'s; for each value null keeps it,
     * and for the URLs an empty string clears it (the server-wide value applies again). A change that
     * changes nothing leaves the tenant (and its version) as it is, and records nothing.
     *
     * @param ifVersion the {@link Tenant#version()} it must have ({@code *}: any); null: any
     * @throws Failure INVALID for an invalid name or URL, NOT_FOUND for no such tenant, STALE when
     *                 {@code ifVersion} does not match
     */
    public Tenant update(Actor actor, Tenant tenant, String name, String portalUrl, String apiUrl, String ifVersion) {
        if (name != null) {
            if (name.isBlank()) {
                throw Failure.invalid("name must not be empty");
            }
            checkName(name);
        }
        checkUrl("portal URL", portalUrl == null || portalUrl.isEmpty() ? null : portalUrl);
        checkUrl("API URL", apiUrl == null || apiUrl.isEmpty() ? null : apiUrl);
        Long version = ifVersion == null || ifVersion.equals("*") ? null : parseVersion(ifVersion);
        return UnitOfWork.inTransaction(repository.dataSource(), c -> {
            Tenant before = repository.lock(tenant.id())
                    .orElseThrow(() -> Failure.notFound("no tenant '" + tenant.slug() + "'"));
            if (version != null && version != before.version()) {
                throw Failure.stale("tenant " + tenant.slug() + " has changed since version " + ifVersion
                        + "; read it again");
            }
            if (kept(name, before.name()) && kept(portalUrl, before.portalUrl()) && kept(apiUrl, before.apiUrl())) {
                return before; // nothing changes, not even the version
            }
            Tenant after = repository.update(tenant.id(), name, portalUrl, apiUrl, null).orElseThrow();
            audit.record(actor, "tenant.update", after.id(), after.slug(), audited(before), audited(after));
            return after;
        });
    }

    /** @throws Failure NOT_FOUND when there is no tenant with this slug */
    public Tenant require(String slug) {
        return find(slug).orElseThrow(() -> Failure.notFound("no tenant with slug '" + slug + "'"));
    }

    /**
     * The tenant a path names, by its slug or its id (a UUID).
     *
     * @throws Failure NOT_FOUND when there is none
     */
    public Tenant resolve(String slugOrId) {
        Optional<Tenant> byId = slugOrId != null && UUID_TEXT.matcher(slugOrId).matches()
                ? repository.findById(UUID.fromString(slugOrId)) : Optional.empty();
        return byId.or(() -> find(slugOrId))
                .orElseThrow(() -> Failure.notFound("no tenant with slug or id '" + slugOrId + "'"));
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

    /**
     * The tenants by slug, a page at a time.
     *
     * @param cursor the cursor of the previous page, or null for the first
     */
    public Page<Tenant> page(int limit, String cursor) {
        return Page.of(repository.page(Page.after(cursor).orElse(""), limit + 1), limit, Tenant::slug);
    }

    /** The tenant as the audit trail records it. */
    private static Map<String, Object> audited(Tenant tenant) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("id", tenant.id().toString());
        object.put("slug", tenant.slug());
        object.put("name", tenant.name());
        object.put("portal_url", tenant.portalUrl());
        object.put("api_url", tenant.apiUrl());
        return object;
    }

    /** Whether {@code given} (null: keep; "": clear) leaves {@code current} as it is. */
    private static boolean kept(String given, String current) {
        return given == null || given.equals(current) || given.isEmpty() && current == null;
    }

    private static Long parseVersion(String ifVersion) {
        try {
            return Long.parseLong(ifVersion);
        } catch (NumberFormatException e) {
            return -1L; // no tenant has it: refused as stale
        }
    }

    private static void checkName(String name) {
        if (name != null && (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
            throw Failure.invalid("name must be at most " + MAX_NAME + " characters, without control characters");
        }
    }

    private static void checkUrl(String what, String url) {
        if (url == null) {
            return;
        }
        try {
            URI uri = new URI(url);
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw Failure.invalid(what + " '" + url + "' must be an absolute http(s) URL");
    }
}
