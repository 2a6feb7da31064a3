package dev.portaltoken.http;

import dev.portaltoken.api.admin.KeysApi;
import dev.portaltoken.api.admin.model.CreatedKey;
import dev.portaltoken.api.admin.model.Key;
import dev.portaltoken.api.admin.model.KeyCreate;
import dev.portaltoken.api.admin.model.KeyPage;
import dev.portaltoken.auth.ApiKeys;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.auth.ListedKey;
import dev.portaltoken.db.Page;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import dev.portaltoken.tenant.Tenants;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * An admin key creates, lists and revokes a tenant's API keys ({@code /admin/v1/tenants/{tenant}/api-keys}),
 * portal keys ({@code /admin/v1/portal-keys}) and admin keys ({@code /admin/v1/admin-keys}), as the CLI's
 * {@code api-key}, {@code portal-key} and {@code admin-key}. A new key is in its creation's answer
 * only, never in a replay, a list or the audit trail.
 */
final class KeysResource implements KeysApi {
    private final ApiKeys keys;
    private final Tenants tenants;
    private final Answers answers;

    KeysResource(ApiKeys keys, Tenants tenants, Answers answers) {
        this.keys = keys;
        this.tenants = tenants;
        this.answers = answers;
    }

    /** The keys of one kind an operation acts on: a tenant's (its id), or the portal or admin keys. */
    private record Owner(Caller.Kind kind, UUID tenantId, String base) {
    }

    /** 403 for any key but an admin key, then 404 for no such tenant. */
    private Owner tenant(String tenant) {
        CurrentCaller.admin();
        return new Owner(Caller.Kind.TENANT, tenants.resolve(tenant).id(), "/admin/v1/tenants/" + tenant + "/api-keys");
    }

    private static Owner operator(Caller.Kind kind) {
        CurrentCaller.admin();
        return new Owner(kind, null, kind == Caller.Kind.ADMIN ? "/admin/v1/admin-keys" : "/admin/v1/portal-keys");
    }

    @Override
    public Response adminCreateApiKey(String tenant, KeyCreate body, String idempotencyKey) {
        return create(tenant(tenant), body, idempotencyKey);
    }

    @Override
    public Response adminCreatePortalKey(KeyCreate body, String idempotencyKey) {
        return create(operator(Caller.Kind.PORTAL), body, idempotencyKey);
    }

    @Override
    public Response adminCreateAdminKey(KeyCreate body, String idempotencyKey) {
        return create(operator(Caller.Kind.ADMIN), body, idempotencyKey);
    }

    @Override
    public Response adminListApiKeys(String tenant, Integer limit, String cursor) {
        return list(tenant(tenant), limit, cursor);
    }

    @Override
    public Response adminListPortalKeys(Integer limit, String cursor) {
        return list(operator(Caller.Kind.PORTAL), limit, cursor);
    }

    @Override
    public Response adminListAdminKeys(Integer limit, String cursor) {
        return list(operator(Caller.Kind.ADMIN), limit, cursor);
    }

    @Override
    public Response adminRevokeApiKey(String tenant, String keyId) {
        return revoke(tenant(tenant), keyId);
    }

    @Override
    public Response adminRevokePortalKey(String keyId) {
        return revoke(operator(Caller.Kind.PORTAL), keyId);
    }

    @Override
    public Response adminRevokeAdminKey(String keyId) {
        return revoke(operator(Caller.Kind.ADMIN), keyId);
    }

    private Response create(Owner owner, KeyCreate body, String idempotencyKey) {
        Caller caller = CurrentCaller.admin();
        KeyCreate given = body == null ? new KeyCreate() : body;
        return answers.once(caller, idempotencyKey, "POST " + owner.base() + " " + owner.tenantId(), given, () -> {
            ApiKeys.Created created = keys.create(Answers.actor(caller), owner.kind(), owner.tenantId(), given.getName());
            ListedKey key = created.listed();
            CreatedKey dto = new CreatedKey().id(Base62.encode(key.id())).hint(key.hint()).name(key.name())
                    .createdAt(time(key.created())).key(created.key());
            return answers.answer(201, dto, owner.base() + "/" + dto.getId(), null);
        }, shown -> answers.without(shown, "key"));
    }

    private Response list(Owner owner, Integer limit, String cursor) {
        Page<ListedKey> page = keys.page(owner.kind(), owner.tenantId(), Page.limit(limit), cursor);
        KeyPage dto = new KeyPage().data(page.items().stream().map(KeysResource::dto).toList())
                .hasMore(page.next().isPresent()).nextCursor(page.next().orElse(null));
        return Response.ok(dto, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Response revoke(Owner owner, String keyId) {
        Caller caller = CurrentCaller.admin();
        String none = "there is no active " + ApiKeys.kindName(owner.kind()) + " " + keyId + (owner.tenantId() == null ? "" : " of this tenant");
        UUID id = ApiKeys.parseId(keyId).orElseThrow(() -> Failure.notFound(none));
        ListedKey revoked = keys.revoke(Answers.actor(caller), owner.kind(), owner.tenantId(), id, true)
                .orElseThrow(() -> Failure.notFound(none));
        return Response.ok(dto(revoked), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Key dto(ListedKey key) {
        return new Key().id(Base62.encode(key.id())).hint(key.hint()).name(key.name()).createdAt(time(key.created()))
                .lastUsedAt(time(key.lastUsed())).revokedAt(time(key.revoked()));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
