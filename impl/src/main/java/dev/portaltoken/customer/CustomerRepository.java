package dev.portaltoken.customer;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.UUID;
import javax.sql.DataSource;

/** Customers in PostgreSQL; every query is scoped to one tenant. Thread-safe. */
public final class CustomerRepository {
    /**
     * Many lookups in one statement: (tenant, id) pairs as parallel arrays, each key one descent of
     * {@code customer_pkey} (see docs/operations.md, "Query plans"). The row's own tenant comes back,
     * so an answer can only be matched to a key of its own tenant. The arrays are read through
     * sub-selects so that the planner cannot count them: every execution then has the same estimate,
     * and PostgreSQL settles on one generic plan instead of planning every query anew (about 0.13 ms
     * each).
     */
    private static final String FIND_BY_IDS = """
            SELECT c.tenant_id, c.id, NULL::text FROM unnest((SELECT ?::uuid[]), (SELECT ?::uuid[])) AS k (tenant_id, id)
              JOIN customer c ON c.tenant_id = k.tenant_id AND c.id = k.id
             WHERE c.archived_at IS NULL""";
    /** As {@link #FIND_BY_IDS}, for (tenant, alias) pairs, through {@code customer_tenant_alias_key}; the alias comes back too. */
    private static final String FIND_BY_ALIASES = """
            SELECT c.tenant_id, c.id, c.alias FROM unnest((SELECT ?::uuid[]), (SELECT ?::text[])) AS k (tenant_id, alias)
              JOIN customer c ON c.tenant_id = k.tenant_id AND c.alias = k.alias
             WHERE c.archived_at IS NULL""";
    /**
     * Ids and aliases in one statement. A batch of one kind sends only its half: a lookup alone (every
     * miss at low load) then costs PostgreSQL about a sixth less (bench/README.md, "PostgreSQL's cost
     * of the lookup, alone").
     */
    private static final String FIND_BY_IDS_AND_ALIASES = FIND_BY_IDS + "\nUNION ALL\n" + FIND_BY_ALIASES;

    /** A customer by id or alias, archived or not. */
    private static final String FIND_ANY_BY_ID = "SELECT id FROM customer WHERE tenant_id = ? AND id = ?";
    private static final String FIND_ANY_BY_ALIAS = "SELECT id FROM customer WHERE tenant_id = ? AND alias = ?";

    private static final String LIST = """
            SELECT id, alias, name, email, created_at, archived_at FROM customer
             WHERE tenant_id = ? ORDER BY created_at, id""";

    private final DataSource dataSource;

    public CustomerRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }


    /**
     * The unarchived customers among {@code keys}, in one statement: each key that names one maps to
     * its id; the others are absent. Each key is matched within its own tenant only.
     */
    Map<CustomerKey, UUID> findActive(Set<CustomerKey> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        List<UUID> idTenants = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<UUID> aliasTenants = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        for (CustomerKey key : keys) {
            if (key.ref().id() != null) {
                idTenants.add(key.tenantId());
                ids.add(key.ref().id());
            } else {
                aliasTenants.add(key.tenantId());
                aliases.add(key.ref().alias());
            }
        }
        String sql = aliases.isEmpty() ? FIND_BY_IDS : ids.isEmpty() ? FIND_BY_ALIASES : FIND_BY_IDS_AND_ALIASES;
        return UnitOfWork.withConnection(dataSource, c -> {
            Map<CustomerKey, UUID> found = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int parameter = 1;
                if (!ids.isEmpty()) {
                    ps.setArray(parameter++, c.createArrayOf("uuid", idTenants.toArray(new UUID[0])));
                    ps.setArray(parameter++, c.createArrayOf("uuid", ids.toArray(new UUID[0])));
                }
                if (!aliases.isEmpty()) {
                    ps.setArray(parameter++, c.createArrayOf("uuid", aliasTenants.toArray(new UUID[0])));
                    ps.setArray(parameter, c.createArrayOf("text", aliases.toArray(new String[0])));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(2, UUID.class);
                        String alias = rs.getString(3);
                        CustomerRef ref = alias == null ? new CustomerRef(id, null) : new CustomerRef(null, alias);
                        found.put(new CustomerKey(rs.getObject(1, UUID.class), ref), id);
                    }
                }
            }
            return found;
        });
    }

    /** The id of the tenant's customer {@code ref} names, archived or not. */
    Optional<UUID> findAny(UUID tenantId, CustomerRef ref) {
        return Sql.first(dataSource, ref.id() != null ? FIND_ANY_BY_ID : FIND_ANY_BY_ALIAS, ps -> {
            ps.setObject(1, tenantId);
            ps.setObject(2, ref.id() != null ? ref.id() : ref.alias());
        }, rs -> rs.getObject(1, UUID.class));
    }


    /** Hands each of the tenant's customers to {@code each}, oldest first, as they are read. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedCustomer> each) {
        snapshot.forEach(LIST, ps -> ps.setObject(1, tenantId), rs -> {
            java.sql.Timestamp archived = rs.getTimestamp(6);
            return new ListedCustomer(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getTimestamp(5).toInstant(), archived == null ? null : archived.toInstant());
        }, each);
    }
}
