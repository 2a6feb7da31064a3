package dev.portaltoken.customer;

import dev.portaltoken.ids.CustomerIds;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's customer as stored.
 *
 * @param alias    the tenant's own id for it, unique within the tenant; null when it has none
 * @param archived when it was archived; null while it is not
 * @param version  changes whenever the row does, however it is changed (PostgreSQL's {@code xmin}):
 *                 what an {@code ETag} carries and {@code If-Match} compares
 */
public record Customer(UUID id, UUID tenantId, String alias, String name, String email, Instant created,
                       Instant archived, String version) {

    /** Its id as the API shows it: {@code cus_} and base62. */
    public String publicId() {
        return CustomerIds.format(id);
    }

    public boolean isArchived() {
        return archived != null;
    }

    /** What the audit trail records of it. */
    Map<String, Object> audited() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", publicId());
        fields.put("alias", alias);
        fields.put("name", name);
        fields.put("email", email);
        fields.put("archived_at", archived == null ? null : archived.toString());
        return fields;
    }

    /** True when nothing but its version differs from {@code other}'s. */
    boolean sameAs(Customer other) {
        return audited().equals(other.audited());
    }
}
