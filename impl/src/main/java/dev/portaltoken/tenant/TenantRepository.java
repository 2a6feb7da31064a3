package dev.portaltoken.tenant;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.Sql;
import dev.portaltoken.ids.Uuids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Tenants in PostgreSQL. Thread-safe. */
public final class TenantRepository {
    /** The columns {@link #tenant(ResultSet)} reads, in its order. */
    private static final String COLUMNS = "id, slug, name, portal_url, api_url, version, created_at";
    private static final String INSERT =
            "INSERT INTO tenant (id, slug, name, portal_url, api_url) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
                    + " RETURNING " + COLUMNS;
    private static final String FIND_BY_SLUG = "SELECT " + COLUMNS + " FROM tenant WHERE slug = ?";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM tenant WHERE id = ?";
    /** The tenant as it is before a change, locked until the change's transaction ends. */
    private static final String LOCK = FIND_BY_ID + " FOR UPDATE";
    private static final String LIST = "SELECT " + COLUMNS + " FROM tenant ORDER BY slug";
    /** A page by slug, after a given one ('' before every slug). */
    private static final String PAGE = "SELECT " + COLUMNS + " FROM tenant WHERE slug > ? ORDER BY slug LIMIT ?";
    /** Null keeps a value, '' clears a URL; only at the version given, when one is. */
    private static final String UPDATE = """
            UPDATE tenant SET name = coalesce(?, name),
                              portal_url = CASE WHEN ? = '' THEN NULL ELSE coalesce(?, portal_url) END,
                              api_url = CASE WHEN ? = '' THEN NULL ELSE coalesce(?, api_url) END,
                              version = version + 1
             WHERE id = ? AND (?::bigint IS NULL OR version = ?::bigint)
            RETURNING\s""" + COLUMNS;

    private final DataSource dataSource;

    public TenantRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The new tenant, with {@code givenId} or a new id when null; empty when the slug or the id is taken. */
    Optional<Tenant> create(UUID givenId, String slug, String name, String portalUrl, String apiUrl) {
        UUID id = givenId != null ? givenId : Uuids.v7();
        return Sql.first(dataSource, INSERT, ps -> {
            ps.setObject(1, id);
            ps.setString(2, slug);
            ps.setString(3, name);
            ps.setString(4, portalUrl);
            ps.setString(5, apiUrl);
        }, TenantRepository::tenant);
    }

    public Optional<Tenant> findBySlug(String slug) {
        return Sql.first(dataSource, FIND_BY_SLUG, ps -> ps.setString(1, slug), TenantRepository::tenant);
    }

    Optional<Tenant> findById(UUID id) {
        return Sql.first(dataSource, FIND_BY_ID, ps -> ps.setObject(1, id), TenantRepository::tenant);
    }

    /** The tenant, locked for the rest of the transaction this thread has open (so its audit "before" is exact). */
    Optional<Tenant> lock(UUID id) {
        return Sql.first(dataSource, LOCK, ps -> ps.setObject(1, id), TenantRepository::tenant);
    }

    /** Hands every tenant to {@code each}, by slug, as they are read. */
    public void list(ReadSnapshot snapshot, Consumer<Tenant> each) {
        snapshot.forEach(LIST, Sql.NO_PARAMETERS, TenantRepository::tenant, each);
    }

    /** At most {@code limit} tenants by slug, those after {@code afterSlug} ('' for the first). */
    List<Tenant> page(String afterSlug, int limit) {
        List<Tenant> tenants = new ArrayList<>();
        Sql.forEach(dataSource, PAGE, ps -> {
            ps.setString(1, afterSlug);
            ps.setInt(2, limit);
        }, rs -> tenants.add(tenant(rs)));
        return tenants;
    }

    /**
     * Changes a tenant: null leaves a value as is, an empty URL clears it.
     *
     * @param ifVersion the version it must have, or null for any
     * @return the updated tenant, empty when there is none with that id (at that version)
     */
    Optional<Tenant> update(UUID id, String name, String portalUrl, String apiUrl, Long ifVersion) {
        return Sql.first(dataSource, UPDATE, ps -> {
            ps.setString(1, name);
            ps.setString(2, portalUrl);
            ps.setString(3, portalUrl);
            ps.setString(4, apiUrl);
            ps.setString(5, apiUrl);
            ps.setObject(6, id);
            ps.setObject(7, ifVersion, java.sql.Types.BIGINT);
            ps.setObject(8, ifVersion, java.sql.Types.BIGINT);
        }, TenantRepository::tenant);
    }

    private static Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getLong(6), rs.getTimestamp(7).toInstant());
    }
}
