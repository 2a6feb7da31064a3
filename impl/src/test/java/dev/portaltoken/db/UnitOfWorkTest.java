package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.auth.ApiKeys;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One unit of work across repositories on a real PostgreSQL: what services write inside it commits
 * together or not at all, nested units join the outer one, other threads stay outside it, and its
 * isolation never outlives it on the pooled connection.
 */
class UnitOfWorkTest {
    private static EmbeddedDatabases.Opened database;
    private static DataSource dataSource;
    private static Tenants tenants;
    private static ApiKeys keys;

    @BeforeAll
    static void open() {
        database = EmbeddedDatabases.open("unit-of-work");
        dataSource = database.dataSource();
        tenants = new Tenants(new TenantRepository(dataSource));
        keys = new ApiKeys(new ApiKeyRepository(dataSource));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static long count(String sql) {
        return Sql.first(dataSource, sql, Sql.NO_PARAMETERS, rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void whatTwoServicesWriteInOneUnitCommitsTogetherOrNotAtAll() {
        Failure refused = assertThrows(Failure.class, () -> UnitOfWork.inTransaction(dataSource, c -> {
            Tenant tenant = tenants.create("rolled-back", null, null);
            keys.create(tenant.id(), "first");
            assertEquals(1, count("SELECT count(*) FROM tenant WHERE slug = 'rolled-back'"), "seen inside the unit");
            throw Failure.conflict("a later step refuses");
        }));
        assertEquals("a later step refuses", refused.getMessage(), "what the work threw comes out as is");
        assertEquals(0, count("SELECT count(*) FROM tenant WHERE slug = 'rolled-back'"), "the tenant is gone");
        assertEquals(0, count("SELECT count(*) FROM api_key WHERE name = 'first'"), "and so is its key");

        Tenant kept = UnitOfWork.inTransaction(dataSource, c -> {
            Tenant tenant = tenants.create("committed", null, null);
            keys.create(tenant.id(), "second");
            return tenant;
        });
        assertEquals(1, count("SELECT count(*) FROM api_key WHERE name = 'second' AND tenant_id = '" + kept.id() + "'"));
    }

    @Test
    void aNestedUnitJoinsTheOuterOneAndOtherThreadsStayOutside() throws Exception {
        assertThrows(IllegalStateException.class, () -> UnitOfWork.inTransaction(dataSource, outer -> {
            tenants.create("nested-outer", null, null);
            UnitOfWork.inTransaction(dataSource, inner -> {
                assertTrue(UnitOfWork.inTransactionOn(dataSource));
                return tenants.create("nested-inner", null, null);
            });
            long seenElsewhere = CompletableFuture.supplyAsync(() -> count(
                    "SELECT count(*) FROM tenant WHERE slug LIKE 'nested-%'")).join();
            assertEquals(0, seenElsewhere, "another thread sees nothing uncommitted");
            throw new IllegalStateException("the outer unit fails after the inner one returned");
        }));
        assertEquals(0, count("SELECT count(*) FROM tenant WHERE slug LIKE 'nested-%'"),
                "the inner unit's write went with the outer one");
        assertFalse(UnitOfWork.inTransactionOn(dataSource));
    }

    @Test
    void aUnitsIsolationIsSetForItselfAndNeverLeaksToTheSession() throws Exception {
        // One server connection handed to every caller and never reset, as a transaction-mode pooler
        // shares one: what a unit leaves in the session, the next client gets.
        try (Connection shared = dataSource.getConnection()) {
            DataSource pooler = sharing(shared);
            String inside = UnitOfWork.inTransaction(pooler, UnitOfWork.Isolation.REPEATABLE_READ, true,
                    c -> show(c, "transaction_isolation") + "," + show(c, "transaction_read_only"));
            assertEquals("repeatable read,on", inside);
            ReadSnapshot.open(pooler).close();
            String after = UnitOfWork.withConnection(pooler, c -> show(c, "default_transaction_isolation") + ","
                    + show(c, "default_transaction_read_only") + "," + show(c, "transaction_isolation"));
            assertEquals("read committed,off,read committed", after, "no session characteristic was changed");
        }
    }

    /** A DataSource that hands out {@code connection} itself each time, closing it never. */
    private static DataSource sharing(Connection connection) {
        Connection unclosable = (Connection) java.lang.reflect.Proxy.newProxyInstance(
                UnitOfWorkTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) ->
                        method.getName().equals("close") ? null : method.invoke(connection, args));
        return dev.portaltoken.support.Sql.dataSource(() -> unclosable);
    }

    @Test
    void theTransactionsConnectionIsTheUnitsToEndAndItsFailuresAreDataAccessExceptions() {
        DataAccessException ending = assertThrows(DataAccessException.class,
                () -> UnitOfWork.inTransaction(dataSource, c -> {
                    c.commit();
                    return null;
                }));
        assertTrue(ending.getCause().getMessage().contains("belongs to the transaction"), ending::toString);
        DataAccessException bad = assertThrows(DataAccessException.class,
                () -> Sql.first(dataSource, "SELECT no_such_column FROM tenant", Sql.NO_PARAMETERS, rs -> 1));
        assertEquals("42703", ((SQLException) bad.getCause()).getSQLState(), "undefined column, as PostgreSQL said");
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
