package dev.portaltoken.customer;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.UUID;
import javax.sql.DataSource;

/** Customers in PostgreSQL; every query is scoped to one tenant. Thread-safe. */
public final class CustomerRepository {
    private static final String INSERT =
            "INSERT INTO customer (id, tenant_id, alias, name, email) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (tenant_id, alias) DO NOTHING";
    private static final String FIND_ACTIVE_BY_ID =
            "SELECT id FROM customer WHERE tenant_id = ? AND id = ? AND archived_at IS NULL";
    private static final String FIND_ACTIVE_BY_ALIAS =
            "SELECT id FROM customer WHERE tenant_id = ? AND alias = ? AND archived_at IS NULL";
    private static final String ARCHIVE_BY_ID =
            "UPDATE customer SET archived_at = now() WHERE tenant_id = ? AND id = ? AND archived_at IS NULL";
    private static final String ARCHIVE_BY_ALIAS =
            "UPDATE customer SET archived_at = now() WHERE tenant_id = ? AND alias = ? AND archived_at IS NULL";

    private static final String LIST = """
            SELECT id, alias, name, email, created_at, archived_at FROM customer
             WHERE tenant_id = ? ORDER BY created_at, id""";
    private static final String UNARCHIVE_BY_ID =
            "UPDATE customer SET archived_at = NULL WHERE tenant_id = ? AND id = ? AND archived_at IS NOT NULL";
    private static final String UNARCHIVE_BY_ALIAS =
            "UPDATE customer SET archived_at = NULL WHERE tenant_id = ? AND alias = ? AND archived_at IS NOT NULL";
    private static final String UPDATE = """
            UPDATE customer SET alias = CASE WHEN ? THEN ? ELSE alias END,
                                name = CASE WHEN ? THEN ? ELSE name END,
                                email = CASE WHEN ? THEN ? ELSE email END
             WHERE tenant_id = ? AND (id = ? OR (?::uuid IS NULL AND alias = ?))""";

    private final DataSource dataSource;

    public CustomerRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return false when the alias is taken within the tenant (nothing is stored then) */
    boolean insert(UUID tenantId, UUID id, String alias, String name, String email) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, id);
            ps.setObject(2, tenantId);
            ps.setString(3, alias);
            ps.setString(4, name);
            ps.setString(5, email);
            return ps.executeUpdate() == 1;
        }
    }

    /** The id of the tenant's unarchived customer with this id. */
    Optional<UUID> findActiveById(UUID tenantId, UUID id) throws SQLException {
        return findOne(FIND_ACTIVE_BY_ID, tenantId, id);
    }

    /** The id of the tenant's unarchived customer with this alias. */
    Optional<UUID> findActiveByAlias(UUID tenantId, String alias) throws SQLException {
        return findOne(FIND_ACTIVE_BY_ALIAS, tenantId, alias);
    }

    /** @return false when the tenant has no such unarchived customer */
    boolean archive(UUID tenantId, CustomerRef ref) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(ref.id() != null ? ARCHIVE_BY_ID : ARCHIVE_BY_ALIAS)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, ref.id() != null ? ref.id() : ref.alias());
            return ps.executeUpdate() == 1;
        }
    }

    /** A customer as listed to its tenant's operators. */
    public record Listed(UUID id, String alias, String name, String email, Instant created, Instant archived) {
    }

    /** Hands each of the tenant's customers to {@code each}, oldest first, as they are read. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<Listed> each) throws SQLException {
        snapshot.forEach(LIST, ps -> ps.setObject(1, tenantId), rs -> {
            java.sql.Timestamp archived = rs.getTimestamp(6);
            return new Listed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getTimestamp(5).toInstant(), archived == null ? null : archived.toInstant());
        }, each);
    }

    /** @return false when the tenant has no such archived customer */
    boolean unarchive(UUID tenantId, CustomerRef ref) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(ref.id() != null ? UNARCHIVE_BY_ID : UNARCHIVE_BY_ALIAS)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, ref.id() != null ? ref.id() : ref.alias());
            return ps.executeUpdate() == 1;
        }
    }

    /** The fields an update sets; a null {@link Change} leaves that field as is. */
    record Change(String value) {
    }

    /** What {@link #update} did. */
    enum Updated {
        UPDATED, NOT_FOUND, ALIAS_TAKEN
    }

    Updated update(UUID tenantId, CustomerRef ref, Change alias, Change name, Change email) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setBoolean(1, alias != null);
            ps.setString(2, alias == null ? null : alias.value());
            ps.setBoolean(3, name != null);
            ps.setString(4, name == null ? null : name.value());
            ps.setBoolean(5, email != null);
            ps.setString(6, email == null ? null : email.value());
            ps.setObject(7, tenantId);
            ps.setObject(8, ref.id());
            ps.setObject(9, ref.id());
            ps.setString(10, ref.alias());
            return ps.executeUpdate() == 1 ? Updated.UPDATED : Updated.NOT_FOUND;
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e, "customer_tenant_alias_key")) {
                return Updated.ALIAS_TAKEN;
            }
            throw e;
        }
    }

    private Optional<UUID> findOne(String sql, UUID tenantId, Object key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }
}
