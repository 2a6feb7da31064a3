package dev.portaltoken.customer;

import dev.portaltoken.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
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
    private static final String CREATE_IMPORT_TABLE = """
            CREATE TEMPORARY TABLE customer_import (id uuid NOT NULL, alias text NOT NULL, name text, email text)
            ON COMMIT DROP""";
    private static final String INSERT_IMPORT_ROW =
            "INSERT INTO customer_import (id, alias, name, email) VALUES (?, ?, ?, ?)";
    private static final String COUNT_IMPORT = """
            SELECT count(*) FILTER (WHERE c.id IS NULL),
                   count(*) FILTER (WHERE c.id IS NOT NULL
                                    AND (c.name IS DISTINCT FROM i.name OR c.email IS DISTINCT FROM i.email)),
                   count(*) FILTER (WHERE c.id IS NOT NULL
                                    AND c.name IS NOT DISTINCT FROM i.name AND c.email IS NOT DISTINCT FROM i.email)
              FROM customer_import i LEFT JOIN customer c ON c.tenant_id = ? AND c.alias = i.alias""";
    private static final String APPLY_IMPORT_UPDATES = """
            UPDATE customer c SET name = i.name, email = i.email FROM customer_import i
             WHERE c.tenant_id = ? AND c.alias = i.alias
               AND (c.name IS DISTINCT FROM i.name OR c.email IS DISTINCT FROM i.email)""";
    private static final String APPLY_IMPORT_INSERTS = """
            INSERT INTO customer (id, tenant_id, alias, name, email)
            SELECT i.id, ?, i.alias, i.name, i.email FROM customer_import i
             WHERE NOT EXISTS (SELECT 1 FROM customer c WHERE c.tenant_id = ? AND c.alias = i.alias)""";
    private static final int IMPORT_BATCH = 1_000;

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

    public List<Listed> list(UUID tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                List<Listed> customers = new ArrayList<>();
                while (rs.next()) {
                    java.sql.Timestamp archived = rs.getTimestamp(6);
                    customers.add(new Listed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant(), archived == null ? null : archived.toInstant()));
                }
                return customers;
            }
        }
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

    /** One valid row of an import file. */
    record ImportRow(UUID id, String alias, String name, String email) {
    }

    /** What an import did: customers created, updated, and unchanged rows skipped. */
    public record ImportResult(long created, long updated, long skipped) {
    }

    /**
     * Upserts {@code rows} by alias in one transaction: all of them or none.
     *
     * @param progress told how many rows have been sent so far
     */
    ImportResult importRows(UUID tenantId, List<ImportRow> rows, IntConsumer progress) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(CREATE_IMPORT_TABLE);
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT_IMPORT_ROW)) {
                    for (int i = 0; i < rows.size(); i++) {
                        ImportRow row = rows.get(i);
                        ps.setObject(1, row.id());
                        ps.setString(2, row.alias());
                        ps.setString(3, row.name());
                        ps.setString(4, row.email());
                        ps.addBatch();
                        if ((i + 1) % IMPORT_BATCH == 0 || i == rows.size() - 1) {
                            ps.executeBatch();
                            progress.accept(i + 1);
                        }
                    }
                }
                ImportResult result;
                try (PreparedStatement ps = c.prepareStatement(COUNT_IMPORT)) {
                    ps.setObject(1, tenantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        result = new ImportResult(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(APPLY_IMPORT_UPDATES)) {
                    ps.setObject(1, tenantId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(APPLY_IMPORT_INSERTS)) {
                    ps.setObject(1, tenantId);
                    ps.setObject(2, tenantId);
                    ps.executeUpdate();
                }
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
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
