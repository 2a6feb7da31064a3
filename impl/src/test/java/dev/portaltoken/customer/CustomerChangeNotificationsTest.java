package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.Sql;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Servers drop a tenant's cached customers when PostgreSQL announces a change on
 * {@code customer_changed}. On a real PostgreSQL, with a {@code LISTEN} connection: a committed
 * statement that updates or deletes customers announces each tenant it touched once, whether it
 * changed one row or many; inserts, statements that change no row and rolled-back changes announce
 * nothing. A sentinel notification sent after each step marks the end of what the step announced
 * (notifications arrive in commit order), so "nothing else" needs no sleep.
 */
class CustomerChangeNotificationsTest {
    private static final String CHANNEL = "customer_changed";
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private static EmbeddedDatabases.Opened database;
    private static Connection listening;
    private static CustomerImporter importer;
    private static Customers customers;
    private static UUID tenantA;
    private static UUID tenantB;
    private static int sentinels;

    @BeforeAll
    static void open() throws Exception {
        database = EmbeddedDatabases.open("notifications");
        Tenants tenants = new Tenants(new TenantRepository(database.dataSource()));
        tenantA = tenants.create("notified-a", "A", null).id();
        tenantB = tenants.create("notified-b", "B", null).id();
        importer = new CustomerImporter(database.dataSource());
        customers = new Customers(new CustomerRepository(database.dataSource()));
        listening = database.dataSource().getConnection();
        try (Statement s = listening.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
    }

    @AfterAll
    static void close() throws SQLException {
        listening.close();
        database.close();
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step}, then returns the payloads announced on the channel since the previous step, in order. */
    private static List<String> announced(Step step) throws Exception {
        step.run();
        String sentinel = "sentinel-" + ++sentinels;
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            ps.setString(1, sentinel);
            ps.execute();
        }
        List<String> payloads = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            PGNotification[] got = listening.unwrap(PGConnection.class).getNotifications((int) WAIT_MILLIS);
            for (PGNotification n : got == null ? new PGNotification[0] : got) {
                if (n.getParameter().equals(sentinel)) {
                    return payloads;
                }
                payloads.add(n.getParameter());
            }
        }
        throw new AssertionError("the sentinel notification did not arrive within " + WAIT_MILLIS + " ms");
    }

    private static CustomerImporter.Result importRows(UUID tenant, int rows, String names) throws Exception {
        StringBuilder csv = new StringBuilder("alias,name,email\n");
        for (int i = 0; i < rows; i++) {
            csv.append("bulk-").append(i).append(',').append(names).append(' ').append(i).append(",\n");
        }
        return importer.importCsv(tenant, new StringReader(csv.toString()), new CustomerImporter.Listener() {
            @Override
            public void badRow(String message) {
                throw new AssertionError(message);
            }

            @Override
            public void progress(long records) {
            }
        });
    }

    private static int execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        }
    }

    @Test
    void anImportAnnouncesItsTenantOnceHoweverManyCustomersItUpdatesAndNothingWhenItOnlyCreatesOrSkips()
            throws Exception {
        int rows = 500;
        assertEquals(List.of(), announced(() -> assertEquals(rows, importRows(tenantA, rows, "First").created())),
                "new customers were never cached: nothing to announce");
        assertEquals(List.of(tenantA.toString()),
                announced(() -> assertEquals(rows, importRows(tenantA, rows, "Renamed").updated())),
                "500 updated customers of one tenant: one notification");
        assertEquals(List.of(), announced(() -> assertEquals(rows, importRows(tenantA, rows, "Renamed").skipped())),
                "an import that changes no row announces nothing");
    }

    @Test
    void aStatementAnnouncesEachTenantItTouchedOnceAndARolledBackOneNothing() throws Exception {
        customers.create(tenantA, "one-a", null, null);
        customers.create(tenantA, "two-a", null, null);
        customers.create(tenantB, "one-b", null, null);
        UUID goneB = customers.create(tenantB, "gone-b", null, null);

        List<String> both = announced(() -> assertEquals(4, execute(
                "UPDATE customer SET email = 'changed@example.com' WHERE tenant_id IN (?, ?) AND alias IN"
                        + " ('one-a', 'two-a', 'one-b', 'gone-b')", tenantA, tenantB)));
        assertEquals(2, both.size(), "one notification per tenant: " + both);
        assertTrue(both.containsAll(List.of(tenantA.toString(), tenantB.toString())), both.toString());

        assertEquals(List.of(), announced(() -> assertEquals(0, execute(
                "UPDATE customer SET email = NULL WHERE tenant_id = ? AND alias = 'no-such-alias'", tenantA))));

        assertEquals(List.of(), announced(() -> {
            try (Connection c = database.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("UPDATE customer SET name = 'never' WHERE tenant_id = ?")) {
                    ps.setObject(1, tenantB);
                    assertTrue(ps.executeUpdate() > 0);
                }
                c.rollback();
                c.setAutoCommit(true);
            }
        }), "a rolled-back update announces nothing");

        assertEquals(List.of(tenantB.toString()), announced(() -> assertEquals(1, execute(
                "DELETE FROM customer WHERE tenant_id = ? AND id = ?", tenantB, goneB))));
        assertEquals(List.of(tenantA.toString()), announced(() -> customers.archive(tenantA, "one-a")));
    }

    /**
     * An import of 1,000,000 changed customers ran a row trigger's function 1,000,000 times (V7). The one
     * row-level trigger left, V8's customer_unarchived, fires only for a statement that sets
     * archived_at (an import never does) and, through its WHEN condition, only for rows that were
     * archived.
     */
    @Test
    void noRowLevelTriggerRunsForEveryChangedCustomer() throws SQLException {
        String triggers = "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'customer'::regclass AND NOT tgisinternal";
        assertEquals(0, Sql.count(database.dataSource()::getConnection, triggers
                        + " AND tgtype & 1 = 1 AND NOT (tgname = 'customer_unarchived' AND tgqual IS NOT NULL"
                        + " AND tgattr::text = (SELECT attnum::text FROM pg_attribute"
                        + " WHERE attrelid = 'customer'::regclass AND attname = 'archived_at'))"),
                "row-level triggers on customer, but for unarchiving");
        assertEquals(3, Sql.count(database.dataSource()::getConnection, triggers),
                "the update, the delete and the unarchive trigger");
    }
}
