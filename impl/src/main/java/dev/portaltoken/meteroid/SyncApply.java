package dev.portaltoken.meteroid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Brings a tenant's customers in line with a staged listing, in the caller's transaction: set-based
 * statements, whatever the number of customers. Only customers that came from upstream (linked in
 * {@code meteroid_customer}) are changed; a listed id that is a customer here of another origin (or
 * another tenant's) is held apart, and an alias another customer here holds is not taken from it.
 * Linked customers the listing missed are left as they are (upstream never deletes a customer; a
 * page that shifted while it was read can miss one, and the next sync sees it).
 */
final class SyncApply {
    private static final String HOLD_APART = """
            UPDATE meteroid_sync_row s SET held_apart = true
             WHERE s.tenant_id = ? AND EXISTS (SELECT 1 FROM customer c WHERE c.id = s.customer_id)
               AND NOT EXISTS (SELECT 1 FROM meteroid_customer m WHERE m.customer_id = s.customer_id
                                                                  AND m.tenant_id = s.tenant_id)""";
    /** An alias held by a customer that keeps it, or listed twice (the listing moved meanwhile). */
    private static final String ALIASES_TAKEN = """
            UPDATE meteroid_sync_row s SET alias = NULL, alias_taken = true
             WHERE s.tenant_id = ? AND NOT s.held_apart AND s.alias IS NOT NULL
               AND (EXISTS (SELECT 1 FROM customer c WHERE c.tenant_id = s.tenant_id AND c.alias = s.alias
                                                       AND c.id <> s.customer_id
                              AND NOT EXISTS (SELECT 1 FROM meteroid_sync_row o WHERE o.tenant_id = s.tenant_id
                                                 AND o.customer_id = c.id AND NOT o.held_apart))
                    OR EXISTS (SELECT 1 FROM meteroid_sync_row d WHERE d.tenant_id = s.tenant_id AND d.alias = s.alias
                                                                   AND d.customer_id <> s.customer_id AND NOT d.held_apart))""";
    private static final String COUNT = """
            SELECT count(*) FILTER (WHERE c.id IS NULL AND NOT s.held_apart),
                   count(*) FILTER (WHERE c.name IS DISTINCT FROM s.name AND c.id IS NOT NULL),
                   count(*) FILTER (WHERE c.alias IS DISTINCT FROM s.alias AND c.id IS NOT NULL),
                   count(*) FILTER (WHERE c.email IS DISTINCT FROM s.email AND c.id IS NOT NULL),
                   count(*) FILTER (WHERE s.archived AND c.archived_at IS NULL AND c.id IS NOT NULL),
                   count(*) FILTER (WHERE NOT s.archived AND c.archived_at IS NOT NULL),
                   count(*) FILTER (WHERE s.held_apart),
                   count(*) FILTER (WHERE (s.alias_taken OR s.alias_dropped) AND NOT s.held_apart)
              FROM meteroid_sync_row s LEFT JOIN customer c ON c.id = s.customer_id AND NOT s.held_apart
             WHERE s.tenant_id = ?""";
    private static final String NOT_LISTED = """
            SELECT count(*) FROM meteroid_customer m WHERE m.tenant_id = ?
               AND NOT EXISTS (SELECT 1 FROM meteroid_sync_row s WHERE s.tenant_id = m.tenant_id
                                                                   AND s.customer_id = m.customer_id)""";
    /** Aliases that move are freed first, so that two customers may swap theirs. */
    private static final String FREE_ALIASES = """
            UPDATE customer c SET alias = NULL FROM meteroid_sync_row s
             WHERE s.tenant_id = ? AND NOT s.held_apart AND c.id = s.customer_id AND c.tenant_id = s.tenant_id
               AND c.alias IS NOT NULL AND c.alias IS DISTINCT FROM s.alias""";
    private static final String UPDATE = """
            UPDATE customer c SET alias = s.alias, name = s.name, email = s.email,
                   archived_at = CASE WHEN s.archived THEN COALESCE(c.archived_at, now()) END
              FROM meteroid_sync_row s
             WHERE s.tenant_id = ? AND NOT s.held_apart AND c.id = s.customer_id AND c.tenant_id = s.tenant_id
               AND (c.alias IS DISTINCT FROM s.alias OR c.name IS DISTINCT FROM s.name
                    OR c.email IS DISTINCT FROM s.email OR (c.archived_at IS NOT NULL) <> s.archived)""";
    private static final String CREATE = """
            WITH created AS (
                INSERT INTO customer (id, tenant_id, alias, name, email, archived_at)
                SELECT s.customer_id, s.tenant_id, s.alias, s.name, s.email, CASE WHEN s.archived THEN now() END
                  FROM meteroid_sync_row s
                 WHERE s.tenant_id = ? AND NOT s.held_apart
                   AND NOT EXISTS (SELECT 1 FROM customer c WHERE c.id = s.customer_id)
                ON CONFLICT DO NOTHING
                RETURNING id, tenant_id)
            INSERT INTO meteroid_customer (customer_id, tenant_id) SELECT id, tenant_id FROM created""";

    private SyncApply() {
    }

    /** Applies the tenant's staged listing on {@code c}; the caller commits. */
    static SyncResult apply(Connection c, UUID tenantId) throws SQLException {
        run(c, HOLD_APART, tenantId);
        run(c, ALIASES_TAKEN, tenantId);
        long[] counts = new long[9];
        try (PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 0; i < 8; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(NOT_LISTED)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                counts[8] = rs.getLong(1);
            }
        }
        run(c, FREE_ALIASES, tenantId);
        run(c, UPDATE, tenantId);
        long created = run(c, CREATE, tenantId);
        return new SyncResult(created, counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7],
                counts[8], counts[0] - created);
    }

    private static int run(Connection c, String sql, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            return ps.executeUpdate();
        }
    }
}
