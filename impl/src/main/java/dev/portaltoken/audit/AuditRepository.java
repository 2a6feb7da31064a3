package dev.portaltoken.audit;

import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The audit trail in PostgreSQL. Thread-safe. */
final class AuditRepository {
    private static final String INSERT = """
            INSERT INTO audit_event (id, actor_kind, actor_key_id, actor_name, action, tenant_id, target, before, after,
                                     request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)""";
    private static final String COLUMNS =
            "SELECT id, at, actor_kind, actor_key_id, actor_name, action, tenant_id, target, before::text, after::text"
                    + " FROM audit_event";
    /**
     * Newest first, older than a given id (the first page: than the largest UUID), as a range of
     * audit_event_tenant_idx for one tenant's, of the primary key for all.
     */
    private static final String PAGE = COLUMNS + " WHERE id < ? ORDER BY id DESC LIMIT ?";
    private static final String TENANT_PAGE = COLUMNS + " WHERE tenant_id = ? AND id < ? ORDER BY tenant_id DESC, id DESC LIMIT ?";
    private static final UUID LAST = new UUID(-1L, -1L);

    private final DataSource dataSource;

    AuditRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(UUID id, Actor actor, String action, UUID tenantId, String target, String before, String after,
                String requestId) {
        Sql.update(dataSource, INSERT, ps -> {
            ps.setObject(1, id);
            ps.setString(2, actor.kind().dbName());
            ps.setObject(3, actor.keyId());
            ps.setString(4, actor.name());
            ps.setString(5, action);
            ps.setObject(6, tenantId);
            ps.setString(7, target);
            ps.setString(8, before);
            ps.setString(9, after);
            ps.setString(10, requestId);
        });
    }

    /** At most {@code limit} events older than {@code before} (all when empty), newest first. */
    List<AuditEvent> page(Optional<UUID> tenantId, Optional<UUID> before, int limit) {
        return UnitOfWork.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(tenantId.isPresent() ? TENANT_PAGE : PAGE)) {
                int at = 1;
                if (tenantId.isPresent()) {
                    ps.setObject(at++, tenantId.get());
                }
                ps.setObject(at++, before.orElse(LAST));
                ps.setInt(at, limit);
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(event(rs));
                    }
                }
                return events;
            }
        });
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        Actor actor = new Actor(Actor.Kind.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)),
                rs.getObject(4, UUID.class), rs.getString(5));
        return new AuditEvent(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), actor, rs.getString(6),
                rs.getObject(7, UUID.class), rs.getString(8), AuditTrail.object(rs.getString(9)),
                AuditTrail.object(rs.getString(10)));
    }
}
