package dev.portaltoken.customer;

import dev.portaltoken.db.Sql;
import dev.portaltoken.errors.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Customers in PostgreSQL; every query is scoped to one tenant. Thread-safe. */
public final class CustomerRepository {
    private static final String INSERT =
            "INSERT INTO customer (id, tenant_id, alias, name, email) VALUES (?, ?, ?, ?, ?)";
    private static final String FIND_ACTIVE_BY_ID =
            "SELECT id FROM customer WHERE tenant_id = ? AND id = ? AND archived_at IS NULL";
    private static final String FIND_ACTIVE_BY_ALIAS =
            "SELECT id FROM customer WHERE tenant_id = ? AND alias = ? AND archived_at IS NULL";
    private static final String ARCHIVE_BY_ID =
            "UPDATE customer SET archived_at = now() WHERE tenant_id = ? AND id = ? AND archived_at IS NULL";
    private static final String ARCHIVE_BY_ALIAS =
            "UPDATE customer SET archived_at = now() WHERE tenant_id = ? AND alias = ? AND archived_at IS NULL";

    private final DataSource dataSource;

    public CustomerRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws ApiException BAD_REQUEST when the alias is taken within the tenant */
    public void insert(UUID tenantId, UUID id, String alias, String name, String email) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, id);
            ps.setObject(2, tenantId);
            ps.setString(3, alias);
            ps.setString(4, name);
            ps.setString(5, email);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e, "customer_tenant_alias_key")) {
                throw ApiException.badRequest("alias '" + alias + "' is already used by another customer of this tenant");
            }
            throw e;
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
