package dev.portaltoken.customer;

import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Whole customer rows, with their version, for the writes and reads of the admin API and the CLI;
 * every statement is scoped to one tenant or to a row found in it. Statements join the unit of work
 * open on the thread. Thread-safe.
 */
final class CustomerRows {
    private static final String COLUMNS = "id, tenant_id, alias, name, email, created_at, archived_at, xmin::text";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM customer WHERE tenant_id = ? AND id = ?";
    private static final String BY_ALIAS = "SELECT " + COLUMNS + " FROM customer WHERE tenant_id = ? AND alias = ?";
    private static final String LOCK = " FOR NO KEY UPDATE";
    private static final String INSERT = "INSERT INTO customer (id, tenant_id, alias, name, email) VALUES (?, ?, ?, ?, ?)"
            + " RETURNING " + COLUMNS;
    private static final String INSERT_IF_ALIAS_FREE = "INSERT INTO customer (id, tenant_id, alias, name, email)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, alias) DO NOTHING RETURNING " + COLUMNS;
    private static final String SET_FIELDS = "UPDATE customer SET alias = ?, name = ?, email = ? WHERE id = ? RETURNING "
            + COLUMNS;
    private static final String ARCHIVE = "UPDATE customer SET archived_at = now() WHERE id = ? RETURNING " + COLUMNS;
    private static final String UNARCHIVE = "UPDATE customer SET archived_at = NULL WHERE id = ? RETURNING " + COLUMNS;
    /**
     * A page in the listing order (created_at, id), through customer_tenant_created_idx: the first one,
     * and the one after a (created_at, id) key. The filters are applied to the rows the index gives.
     */
    private static final String PAGE_FILTERS = " AND (?::boolean IS NULL OR (archived_at IS NOT NULL) = ?)"
            + " AND (?::text IS NULL OR starts_with(alias, ?)) ORDER BY created_at, id LIMIT ?";
    private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM customer WHERE tenant_id = ?" + PAGE_FILTERS;
    private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM customer WHERE tenant_id = ?"
            + " AND (created_at, id) > (?, ?)" + PAGE_FILTERS;

    private final DataSource dataSource;

    CustomerRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The tenant's customer {@code ref} names, archived or not; locked until the transaction ends when {@code lock}. */
    Optional<Customer> find(UUID tenantId, CustomerRef ref, boolean lock) {
        String sql = (ref.id() != null ? BY_ID : BY_ALIAS) + (lock ? LOCK : "");
        return Sql.first(dataSource, sql, ps -> {
            ps.setObject(1, tenantId);
            ps.setObject(2, ref.id() != null ? ref.id() : ref.alias());
        }, CustomerRows::customer);
    }

    /** @throws Failure CONFLICT when the id or the alias is taken */
    Customer insert(UUID tenantId, UUID id, String alias, String name, String email) {
        try {
            return Sql.first(dataSource, INSERT, ps -> bindNew(ps, tenantId, id, alias, name, email), CustomerRows::customer)
                    .orElseThrow();
        } catch (dev.portaltoken.db.DataAccessException e) {
            if (e.getCause() instanceof SQLException sql && Sql.isUniqueViolation(sql, "customer_pkey")) {
                throw Failure.conflict("a customer with id " + dev.portaltoken.ids.CustomerIds.format(id) + " already exists");
            }
            if (e.getCause() instanceof SQLException sql && Sql.isUniqueViolation(sql, "customer_tenant_alias_key")) {
                throw CustomerRules.aliasTaken(alias);
            }
            throw e;
        }
    }

    /** The new customer; empty when the tenant has one with this alias already (nothing is written then). */
    Optional<Customer> insertIfAliasFree(UUID tenantId, UUID id, String alias, String name, String email) {
        return Sql.first(dataSource, INSERT_IF_ALIAS_FREE, ps -> bindNew(ps, tenantId, id, alias, name, email),
                CustomerRows::customer);
    }

    /** @throws Failure CONFLICT when {@code alias} is taken by another customer of the tenant */
    Customer setFields(UUID id, String alias, String name, String email) {
        try {
            return Sql.first(dataSource, SET_FIELDS, ps -> {
                ps.setString(1, alias);
                ps.setString(2, name);
                ps.setString(3, email);
                ps.setObject(4, id);
            }, CustomerRows::customer).orElseThrow();
        } catch (dev.portaltoken.db.DataAccessException e) {
            if (e.getCause() instanceof SQLException sql && Sql.isUniqueViolation(sql, "customer_tenant_alias_key")) {
                throw CustomerRules.aliasTaken(alias);
            }
            throw e;
        }
    }

    /** Archives ({@code archived}) or unarchives the customer; unarchiving ends its earlier tokens (V8). */
    Customer setArchived(UUID id, boolean archived) {
        return Sql.first(dataSource, archived ? ARCHIVE : UNARCHIVE, ps -> ps.setObject(1, id), CustomerRows::customer)
                .orElseThrow();
    }

    /** At most {@code limit} customers after {@code after} (from the first when empty), in the listing order. */
    List<Customer> page(UUID tenantId, Optional<PageKey> after, Boolean archived, String aliasPrefix, int limit) {
        return UnitOfWork.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(after.isPresent() ? NEXT_PAGE : FIRST_PAGE)) {
                int at = 1;
                ps.setObject(at++, tenantId);
                if (after.isPresent()) {
                    ps.setTimestamp(at++, Timestamp.from(after.get().created()));
                    ps.setObject(at++, after.get().id());
                }
                ps.setObject(at++, archived, java.sql.Types.BOOLEAN);
                ps.setObject(at++, archived, java.sql.Types.BOOLEAN);
                ps.setString(at++, aliasPrefix);
                ps.setString(at++, aliasPrefix);
                ps.setInt(at, limit);
                List<Customer> customers = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        customers.add(customer(rs));
                    }
                }
                return customers;
            }
        });
    }

    /** Where a page ends in the listing order. */
    record PageKey(java.time.Instant created, UUID id) {
    }

    private static void bindNew(PreparedStatement ps, UUID tenantId, UUID id, String alias, String name, String email)
            throws SQLException {
        ps.setObject(1, id);
        ps.setObject(2, tenantId);
        ps.setString(3, alias);
        ps.setString(4, name);
        ps.setString(5, email);
    }

    private static Customer customer(ResultSet rs) throws SQLException {
        Timestamp archived = rs.getTimestamp(7);
        return new Customer(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getTimestamp(6).toInstant(), archived == null ? null : archived.toInstant(),
                rs.getString(8));
    }
}
