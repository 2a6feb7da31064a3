package dev.portaltoken.meteroid;

import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A customer sync's progress and staged listing ({@code meteroid_sync_run}, {@code meteroid_sync_row}),
 * claimed by one holder at a time. Thread-safe.
 */
final class SyncRepository {
    /** A run whose holder has not moved it for this long is taken over (its holder died). */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);
    /** A run older than this is started again rather than resumed: its staged rows are too old to apply. */
    static final Duration RESUME_WITHIN = Duration.ofHours(24);

    private static final String CLAIM = """
            INSERT INTO meteroid_sync_run AS r (tenant_id, holder) VALUES (?, ?)
            ON CONFLICT (tenant_id) DO UPDATE SET holder = EXCLUDED.holder, heartbeat_at = now()
             WHERE r.heartbeat_at < now() - make_interval(secs => ?)
            RETURNING archived, next_page, listed, started_at < now() - make_interval(secs => ?), xmax = 0""";
    private static final String HELD_BY =
            "SELECT holder, started_at FROM meteroid_sync_run WHERE tenant_id = ?";
    private static final String RESTART = "UPDATE meteroid_sync_run SET started_at = now(), archived = false,"
            + " next_page = 0, listed = 0 WHERE tenant_id = ? AND holder = ?";
    private static final String DROP_STAGED = "DELETE FROM meteroid_sync_row WHERE tenant_id = ?";
    private static final String STAGE = """
            INSERT INTO meteroid_sync_row (tenant_id, customer_id, alias, name, email, archived, alias_dropped)
            SELECT ?, * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[])
            ON CONFLICT (tenant_id, customer_id) DO UPDATE SET alias = EXCLUDED.alias, name = EXCLUDED.name,
                email = EXCLUDED.email, archived = EXCLUDED.archived, alias_dropped = EXCLUDED.alias_dropped""";
    private static final String ADVANCE = "UPDATE meteroid_sync_run SET archived = ?, next_page = ?, listed = listed + ?,"
            + " heartbeat_at = now() WHERE tenant_id = ? AND holder = ?";
    private static final String RELEASE = "UPDATE meteroid_sync_run SET heartbeat_at = '-infinity'"
            + " WHERE tenant_id = ? AND holder = ?";
    private static final String FINISH = "DELETE FROM meteroid_sync_run WHERE tenant_id = ? AND holder = ?";

    /** Where a claimed run stands. */
    record Run(boolean archived, int nextPage, long listed, boolean resumed) {
    }

    /** Who holds a run, for a message. */
    record Holder(String holder, java.time.Instant startedAt) {
    }

    private final DataSource dataSource;

    SyncRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims the tenant's run for {@code holder}: a new one, or one that was left (resumed where it
     * stopped unless older than {@link #RESUME_WITHIN}, then started again). Empty when someone else
     * holds it.
     */
    Optional<Run> claim(UUID tenantId, String holder) {
        return UnitOfWork.inTransaction(dataSource, c -> {
            Optional<Object[]> claimed = Sql.first(dataSource, CLAIM, ps -> {
                ps.setObject(1, tenantId);
                ps.setString(2, holder);
                ps.setLong(3, STALE_AFTER.toSeconds());
                ps.setLong(4, RESUME_WITHIN.toSeconds());
            }, rs -> new Object[] {rs.getBoolean(1), rs.getInt(2), rs.getLong(3), rs.getBoolean(4), rs.getBoolean(5)});
            if (claimed.isEmpty()) {
                return Optional.empty();
            }
            Object[] r = claimed.get();
            boolean fresh = (Boolean) r[4];
            if (fresh || (Boolean) r[3]) {
                Sql.update(dataSource, DROP_STAGED, ps -> ps.setObject(1, tenantId));
                Sql.update(dataSource, RESTART, ps -> {
                    ps.setObject(1, tenantId);
                    ps.setString(2, holder);
                });
                return Optional.of(new Run(false, 0, 0, false));
            }
            return Optional.of(new Run((Boolean) r[0], (Integer) r[1], (Long) r[2], true));
        });
    }

    Optional<Holder> heldBy(UUID tenantId) {
        return Sql.first(dataSource, HELD_BY, ps -> ps.setObject(1, tenantId),
                rs -> new Holder(rs.getString(1), rs.getTimestamp(2).toInstant()));
    }

    /**
     * Stages a page and moves the run past it, in one transaction.
     *
     * @return false when the run is no longer {@code holder}'s (taken over): nothing is staged then
     */
    boolean stage(UUID tenantId, String holder, List<UpstreamCustomer> page, boolean archived, boolean nextArchived,
                  int nextPage) {
        return UnitOfWork.inTransaction(dataSource, c -> {
            int moved = Sql.update(dataSource, ADVANCE, ps -> {
                ps.setBoolean(1, nextArchived);
                ps.setInt(2, nextPage);
                ps.setLong(3, page.size());
                ps.setObject(4, tenantId);
                ps.setString(5, holder);
            });
            if (moved == 0) {
                return false;
            }
            if (!page.isEmpty()) {
                insert(c, tenantId, page, archived);
            }
            return true;
        });
    }

    private static void insert(Connection c, UUID tenantId, List<UpstreamCustomer> page, boolean archived)
            throws SQLException {
        int n = page.size();
        Object[] ids = new Object[n];
        Object[] aliases = new Object[n];
        Object[] names = new Object[n];
        Object[] emails = new Object[n];
        Object[] archivedFlags = new Object[n];
        Object[] dropped = new Object[n];
        for (int i = 0; i < n; i++) {
            UpstreamCustomer customer = page.get(i);
            ids[i] = customer.id();
            aliases[i] = customer.alias();
            names[i] = customer.name();
            emails[i] = customer.email();
            archivedFlags[i] = archived;
            dropped[i] = customer.aliasDropped();
        }
        try (PreparedStatement ps = c.prepareStatement(STAGE)) {
            ps.setObject(1, tenantId);
            ps.setArray(2, array(c, "uuid", ids));
            ps.setArray(3, array(c, "text", aliases));
            ps.setArray(4, array(c, "text", names));
            ps.setArray(5, array(c, "text", emails));
            ps.setArray(6, array(c, "boolean", archivedFlags));
            ps.setArray(7, array(c, "boolean", dropped));
            ps.executeUpdate();
        }
    }

    private static Array array(Connection c, String type, Object[] values) throws SQLException {
        return c.createArrayOf(type, values);
    }

    /** Lets a rerun take the run over at once (its holder failed and stops), keeping what it staged. */
    void release(UUID tenantId, String holder) {
        Sql.update(dataSource, RELEASE, ps -> {
            ps.setObject(1, tenantId);
            ps.setString(2, holder);
        });
    }

    /** Drops the run and its staged rows, on {@code c} (the applying transaction). */
    static void finish(Connection c, UUID tenantId, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setObject(1, tenantId);
            ps.setString(2, holder);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the sync run was taken over while it was being applied");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(DROP_STAGED)) {
            ps.setObject(1, tenantId);
            ps.executeUpdate();
        }
    }
}
