package dev.portaltoken.http;

import dev.portaltoken.api.admin.TenantsApi;
import dev.portaltoken.api.admin.model.TenantCreate;
import dev.portaltoken.api.admin.model.TenantPage;
import dev.portaltoken.api.admin.model.TenantUpdate;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.db.Page;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.Tenants;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;

/** {@code /admin/v1/tenants}: an admin key creates, lists, reads and changes tenants, as the CLI's {@code tenant}. */
final class TenantsResource implements TenantsApi {
    private static final String BASE = "/admin/v1/tenants";

    private final Tenants tenants;
    private final Answers answers;

    TenantsResource(Tenants tenants, Answers answers) {
        this.tenants = tenants;
        this.answers = answers;
    }

    @Override
    public Response adminCreateTenant(TenantCreate body, String idempotencyKey) {
        Caller caller = CurrentCaller.admin();
        TenantCreate given = body == null ? new TenantCreate() : body;
        return answers.once(caller, idempotencyKey, "POST " + BASE, given, () -> {
            Tenant created = tenants.create(Answers.actor(caller), given.getId(), given.getSlug(), given.getName(),
                    given.getPortalUrl(), given.getApiUrl());
            return answers.answer(201, dto(created), BASE + "/" + created.slug(), Answers.etag(created.version()));
        });
    }

    @Override
    public Response adminListTenants(Integer limit, String cursor) {
        CurrentCaller.admin();
        Page<Tenant> page = tenants.page(Page.limit(limit), cursor);
        TenantPage dto = new TenantPage().data(page.items().stream().map(TenantsResource::dto).toList())
                .hasMore(page.next().isPresent()).nextCursor(page.next().orElse(null));
        return Response.ok(dto, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public Response adminGetTenant(String tenant) {
        CurrentCaller.admin();
        return found(tenants.resolve(tenant));
    }

    @Override
    public Response adminUpdateTenant(String tenant, TenantUpdate body, String ifMatch) {
        Caller caller = CurrentCaller.admin();
        TenantUpdate given = body == null ? new TenantUpdate() : body;
        String version = Answers.version(ifMatch);
        return found(tenants.update(Answers.actor(caller), tenants.resolve(tenant), given.getName(), given.getPortalUrl(),
                given.getApiUrl(), version));
    }

    private static Response found(Tenant tenant) {
        return Response.ok(dto(tenant), MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ETAG, Answers.etag(tenant.version())).build();
    }

    private static dev.portaltoken.api.admin.model.Tenant dto(Tenant tenant) {
        return new dev.portaltoken.api.admin.model.Tenant().id(tenant.id()).slug(tenant.slug()).name(tenant.name())
                .portalUrl(tenant.portalUrl()).apiUrl(tenant.apiUrl())
                .createdAt(tenant.createdAt().atOffset(ZoneOffset.UTC));
    }
}
