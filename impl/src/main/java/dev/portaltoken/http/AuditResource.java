package dev.portaltoken.http;

import dev.portaltoken.api.admin.AuditApi;
import dev.portaltoken.api.admin.model.AuditActor;
import dev.portaltoken.api.admin.model.AuditEventPage;
import dev.portaltoken.audit.AuditEvent;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Page;
import dev.portaltoken.tenant.Tenants;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** {@code /admin/v1/audit-events}: the audit trail, newest first, for admin keys only. */
final class AuditResource implements AuditApi {
    private final AuditTrail audit;
    private final Tenants tenants;

    AuditResource(AuditTrail audit, Tenants tenants) {
        this.audit = audit;
        this.tenants = tenants;
    }

    @Override
    public Response listAuditEvents(Integer limit, String cursor, String tenant) {
        CurrentCaller.admin();
        Optional<UUID> tenantId = tenant == null ? Optional.empty() : Optional.of(tenants.require(tenant).id());
        Page<AuditEvent> page = audit.page(tenantId, Page.limit(limit), cursor);
        AuditEventPage dto = new AuditEventPage().data(page.items().stream().map(AuditResource::dto).toList())
                .hasMore(page.next().isPresent()).nextCursor(page.next().orElse(null));
        return Response.ok(dto, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static dev.portaltoken.api.admin.model.AuditEvent dto(AuditEvent event) {
        AuditActor actor = new AuditActor().kind(AuditActor.KindEnum.fromValue(event.actor().kind().dbName()))
                .keyId(event.actor().publicKeyId())
                .name(event.actor().name());
        return new dev.portaltoken.api.admin.model.AuditEvent().id(event.id()).at(event.at().atOffset(ZoneOffset.UTC))
                .actor(actor).action(event.action()).tenantId(event.tenantId()).target(event.target())
                .before(event.before()).after(event.after());
    }
}
