package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditEvent;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Page;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.tenant.Tenants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public writes of {@link Customers} that the admin API, the CLI and synchronisations share:
 * create with a given or generated id, the idempotent upsert by alias, update, archive and unarchive,
 * each with its version check and its audit record, and the pages of the listing.
 */
class CustomerRecordsTest {
    private static final Actor SYNC = Actor.system("test-sync");
    private static EmbeddedDatabases.Opened database;
    private static Customers customers;
    private static AuditTrail audit;
    private static UUID tenant;

    @BeforeAll
    static void open() {
        database = EmbeddedDatabases.open("records");
        customers = Customers.forAdmin(database.dataSource());
        audit = new AuditTrail(database.dataSource());
        tenant = Tenants.of(database.dataSource()).create("records", null, null).id();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static List<AuditEvent> eventsOf(String target) {
        return audit.page(Optional.of(tenant), 1000, null).items().stream().filter(e -> e.target().equals(target)).toList();
    }

    @Test
    void aCreatedCustomerHasItsGivenOrAGeneratedIdAndIsRecordedWithoutABefore() {
        Customer generated = customers.create(SYNC, tenant, null, "gen-1", "Gen", "gen@example.com");
        UUID given = Uuids.v7();
        Customer withId = customers.create(SYNC, tenant, given, null, null, null);
        assertEquals(given, withId.id());
        assertNull(withId.alias());
        assertEquals(generated, customers.get(tenant, "gen-1"));
        assertEquals(withId, customers.get(tenant, withId.publicId()));
        List<AuditEvent> events = eventsOf(generated.publicId());
        assertEquals(1, events.size());
        assertEquals("customer.create", events.get(0).action());
        assertEquals(SYNC, events.get(0).actor());
        assertNull(events.get(0).before());
        assertEquals("gen@example.com", events.get(0).after().get("email"));

        Failure sameId = assertThrows(Failure.class, () -> customers.create(SYNC, tenant, given, "other", null, null));
        assertEquals(Failure.Kind.CONFLICT, sameId.kind());
        Failure sameAlias = assertThrows(Failure.class, () -> customers.create(SYNC, tenant, null, "gen-1", null, null));
        assertEquals(Failure.Kind.CONFLICT, sameAlias.kind());
        assertEquals(Failure.Kind.INVALID, assertThrows(Failure.class,
                () -> customers.create(SYNC, tenant, null, "bad alias", null, null)).kind());
    }

    @Test
    void anUpsertCreatesOnceThenSetsNameAndEmailAndRecordsOnlyChanges() {
        Customers.Upserted first = customers.upsert(SYNC, tenant, "up-1", "One", "one@example.com", null);
        assertTrue(first.created());
        Customers.Upserted again = customers.upsert(SYNC, tenant, "up-1", "One", "one@example.com", null);
        assertFalse(again.created());
        assertEquals(first.customer().id(), again.customer().id());
        Customers.Upserted renamed = customers.upsert(SYNC, tenant, "up-1", "Uno", null, null);
        assertEquals("Uno", renamed.customer().name());
        assertNull(renamed.customer().email(), "an upsert sets the customer as given: no email clears it");
        List<AuditEvent> events = eventsOf(first.customer().publicId());
        assertEquals(List.of("customer.update", "customer.create"), events.stream().map(AuditEvent::action).toList(),
                "the upsert that changed nothing is not recorded (newest first)");
        assertEquals("one@example.com", events.get(0).before().get("email"));
    }

    @Test
    void aChangeToAVersionThatIsNoLongerTheCustomersIsRefused() {
        Customer created = customers.create(SYNC, tenant, null, "ver-1", "V", null);
        Customer updated = customers.update(SYNC, tenant, "ver-1", null, "V2", null, created.version());
        assertNotEquals(created.version(), updated.version());
        Failure stale = assertThrows(Failure.class,
                () -> customers.update(SYNC, tenant, "ver-1", null, "V3", null, created.version()));
        assertEquals(Failure.Kind.STALE, stale.kind());
        assertEquals("V2", customers.get(tenant, "ver-1").name(), "the refused change changed nothing");
        assertEquals(Failure.Kind.STALE, assertThrows(Failure.class,
                () -> customers.archive(SYNC, tenant, "ver-1", created.version())).kind());
        assertEquals("V4", customers.update(SYNC, tenant, "ver-1", null, "V4", null, "*").name());
        assertEquals(Failure.Kind.STALE, assertThrows(Failure.class,
                () -> customers.upsert(SYNC, tenant, "no-such-alias", "N", null, "*")).kind(),
                "If-Match on a customer that does not exist");
    }

    @Test
    void archiveAndUnarchiveAreIdempotentAndTheCliKeepsItsRefusals() {
        Customer created = customers.create(SYNC, tenant, null, "arch-1", null, null);
        Customer archived = customers.archive(SYNC, tenant, "arch-1", null);
        assertTrue(archived.isArchived());
        assertEquals(archived, customers.archive(SYNC, tenant, created.publicId(), null), "archiving again changes nothing");
        assertEquals(Failure.Kind.NOT_FOUND, assertThrows(Failure.class, () -> customers.archive(tenant, "arch-1")).kind(),
                "the CLI's archive still refuses an archived customer");
        assertFalse(customers.unarchive(SYNC, tenant, "arch-1", null).isArchived());
        assertEquals(Failure.Kind.NOT_FOUND, assertThrows(Failure.class, () -> customers.unarchive(tenant, "arch-1")).kind());
        assertEquals(List.of("customer.unarchive", "customer.archive", "customer.create"),
                eventsOf(created.publicId()).stream().map(AuditEvent::action).toList());
        assertEquals(Failure.Kind.NOT_FOUND, assertThrows(Failure.class,
                () -> customers.get(tenant, "no such alias")).kind());
    }

    @Test
    void pagesWalkTheTenantsCustomersInCreationOrderWithFilters() {
        UUID other = Tenants.of(database.dataSource()).create("records-pages", null, null).id();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(customers.create(SYNC, other, null, (i % 2 == 0 ? "even-" : "odd-") + i, null, null).publicId());
        }
        customers.archive(SYNC, other, "odd-3", null);
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Customer> page = customers.page(other, 3, cursor, null, null);
            page.items().forEach(c -> walked.add(c.publicId()));
            cursor = page.next().orElse(null);
            pages++;
        } while (cursor != null);
        assertEquals(made, walked);
        assertEquals(3, pages);
        assertEquals(List.of("odd-3"), customers.page(other, 10, null, true, null).items().stream()
                .map(Customer::alias).toList());
        assertEquals(List.of("even-0", "even-2", "even-4", "even-6"), customers.page(other, 10, null, false, "even-")
                .items().stream().map(Customer::alias).toList());
        assertEquals(Failure.Kind.INVALID, assertThrows(Failure.class,
                () -> customers.page(other, 3, "not-a-cursor!", null, null)).kind());
    }
}
