package dev.portaltoken.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portaltoken.db.Page;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.ids.Uuids;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The audit trail: every write, by whom, to what, the object before and after. {@link #record} joins
 * the transaction of the change ({@link UnitOfWork}), so the record commits with the change or not at
 * all, and logs one line on logger {@code audit} once it has committed. What is recorded is given by
 * the services as maps of plain values, and never holds a secret (no key, hash or private key ever
 * reaches them). Thread-safe.
 */
public final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger("audit");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Where the request log keeps the current request's id (http.RequestLogFilter). */
    private static final String MDC_REQUEST_ID = "request_id";

    private final DataSource dataSource;
    private final AuditRepository repository;

    public AuditTrail(DataSource dataSource) {
        this.dataSource = dataSource;
        this.repository = new AuditRepository(dataSource);
    }

    /**
     * Records a write, in the transaction this thread has open (or on its own), and logs it once
     * committed.
     *
     * @param action   what was done, {@code <object>.<verb>}, e.g. {@code customer.update}
     * @param tenantId the tenant the object belongs to; null for operator-level objects
     * @param before   the object before (null: created); plain values only, never a secret
     * @param after    the object after (null: gone)
     */
    public void record(Actor actor, String action, UUID tenantId, String target, Map<String, Object> before,
                       Map<String, Object> after) {
        UUID id = Uuids.v7();
        String beforeJson = json(before);
        String afterJson = json(after);
        String requestId = MDC.get(MDC_REQUEST_ID);
        repository.insert(id, actor, action, tenantId, target, beforeJson, afterJson, requestId);
        UnitOfWork.afterCommit(dataSource, () -> LOG.atInfo()
                .addKeyValue("audit_id", id)
                .addKeyValue("actor", actor.toString())
                .addKeyValue("action", action)
                .addKeyValue("tenant_id", tenantId)
                .addKeyValue("target", target)
                .log("audit {} {} {} tenant={} target={} before={} after={}", id, actor, action,
                        tenantId == null ? "-" : tenantId, target, beforeJson, afterJson));
    }

    /**
     * The events newest first, a page at a time.
     *
     * @param tenantId only this tenant's; empty: every event
     * @param cursor   the cursor of the previous page, or null for the first
     */
    public Page<AuditEvent> page(Optional<UUID> tenantId, int limit, String cursor) {
        Optional<UUID> before = Page.after(cursor).map(AuditTrail::uuid);
        return Page.of(repository.page(tenantId, before, limit + 1), limit, event -> event.id().toString());
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw dev.portaltoken.errors.Failure.invalid("cursor is not one this server gave");
        }
    }

    static String json(Map<String, Object> object) {
        if (object == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit record holds plain values only", e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit record is not a JSON object", e);
        }
    }
}
