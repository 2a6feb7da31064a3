package dev.portaltoken.tenant;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.Sql;
import dev.portaltoken.ids.Uuids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Tenants in PostgreSQL. Thread-safe. */
public final class TenantRepository {
    /** The columns {@link #tenant(ResultSet)} reads, in its order. */
    private static final String COLUMNS = "id, slug, name, portal_url, created_at";
    private static final String INSERT =
            "INSERT INTO tenant (id, slug, name, portal_url) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
                    + " RETURNING created_at";
    private static final String FIND_BY_SLUG = "SELECT " + COLUMNS + " FROM tenant WHERE slug = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM tenant ORDER BY slug";
    private static final String UPDATE = """
            UPDATE tenant SET name = coalesce(?, name),
                              portal_url = CASE WHEN ? THEN NULL ELSE coalesce(?, portal_url) END
             WHERE slug = ?
            RETURNING\s""" + COLUMNS;

    private final DataSource dataSource;

    public TenantRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The new tenant, with {@code givenId} or a new id when null; empty when the slug or the id is taken. */
    Optional<Tenant> create(UUID givenId, String slug, String name, String portalUrl) {
        UUID id = givenId != null ? givenId : Uuids.v7();
        return Sql.first(dataSource, INSERT, ps -> {
            ps.setObject(1, id);
            ps.setString(2, slug);
            ps.setString(3, name);
            ps.setString(4, portalUrl);
        }, rs -> new Tenant(id, slug, name, portalUrl, rs.getTimestamp(1).toInstant()));
    }

    public Optional<Tenant> findBySlug(String slug) {
        return Sql.first(dataSource, FIND_BY_SLUG, ps -> ps.setString(1, slug), TenantRepository::tenant);
    }

    /** Hands every tenant to {@code each}, by slug, as they are read. */
    public void list(ReadSnapshot snapshot, Consumer<Tenant> each) {
        snapshot.forEach(LIST, Sql.NO_PARAMETERS, TenantRepository::tenant, each);
    }

    /**
     * Changes the name and/or portal URL of the tenant with {@code slug}; null leaves a value as is.
     *
     * @return the updated tenant, empty when there is none with that slug
     */
    Optional<Tenant> update(String slug, String name, String portalUrl, boolean clearPortalUrl) {
        return Sql.first(dataSource, UPDATE, ps -> {
            ps.setString(1, name);
            ps.setBoolean(2, clearPortalUrl);
            ps.setString(3, portalUrl);
            ps.setString(4, slug);
        }, TenantRepository::tenant);
    }

    private static Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }
}
