package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.cache.Freshness;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import dev.portaltoken.db.DataAccessException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batched customer lookups on a real PostgreSQL: one query answers many keys, each within its own
 * tenant; concurrent lookups share a query, never one already sent; a failed query fails exactly
 * its lookups. Played step by step with latches (a query held until the test lets it go), no sleeps.
 */
class CustomerLookupsTest {
    private static final int QUEUED = 12;

    private static EmbeddedDatabases.Opened database;
    private static CustomerRepository repository;
    private static ExecutorService callers;
    private static UUID tenantA;
    private static UUID tenantB;
    /** Every key below, and the id each must be answered with (absent: none). */
    private static final Map<CustomerKey, UUID> EXPECTED = new HashMap<>();
    private static final List<CustomerKey> KEYS = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        database = EmbeddedDatabases.open("lookups");
        Tenants tenants = new Tenants(new TenantRepository(database.dataSource()));
        tenantA = tenants.create("lookups-a", "A", null).id();
        tenantB = tenants.create("lookups-b", "B", null).id();
        repository = new CustomerRepository(database.dataSource());
        Customers admin = new Customers(repository);
        UUID sharedA = admin.create(tenantA, "shared", null, null);
        UUID sharedB = admin.create(tenantB, "shared", null, null);
        UUID onlyB = admin.create(tenantB, "only-b", null, null);
        UUID noAlias = admin.create(tenantA, null, null, null);
        UUID archived = admin.create(tenantA, "archived", null, null);
        admin.archive(tenantA, "archived");

        expect(alias(tenantA, "shared"), sharedA);
        expect(alias(tenantB, "shared"), sharedB);
        expect(id(tenantA, sharedA), sharedA);
        expect(id(tenantB, sharedB), sharedB);
        expect(id(tenantA, noAlias), noAlias);
        expect(alias(tenantB, "only-b"), onlyB);
        expect(alias(tenantA, "only-b"), null);      // another tenant's alias
        expect(id(tenantA, sharedB), null);          // another tenant's id
        expect(id(tenantB, sharedA), null);
        expect(id(tenantA, onlyB), null);
        expect(alias(tenantA, "archived"), null);
        expect(id(tenantA, archived), null);
        expect(alias(tenantB, "archived"), null);
        expect(alias(tenantA, "unknown"), null);
        expect(id(tenantA, Uuids.v7()), null);
        expect(alias(tenantA, CustomerIds.format(sharedB).substring(4)), null); // an id's text as an alias
        callers = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void close() {
        callers.shutdownNow();
        database.close();
    }

    private static void expect(CustomerKey key, UUID id) {
        KEYS.add(key);
        if (id != null) {
            EXPECTED.put(key, id);
        }
    }

    private static CustomerKey alias(UUID tenant, String alias) {
        return new CustomerKey(tenant, new CustomerRef(null, alias));
    }

    private static CustomerKey id(UUID tenant, UUID id) {
        return new CustomerKey(tenant, new CustomerRef(id, null));
    }

    /** The real repository's query, recording the keys of every query sent; the first is held until released. */
    private static final class HeldQuery implements CustomerLookups.Query {
        final List<Set<CustomerKey>> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch firstSent = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Map<Integer, Exception> failures = new HashMap<>();

        /** Query number {@code n} (from 1) throws {@code e} instead of reading. */
        HeldQuery failing(int n, Exception e) {
            failures.put(n, e);
            return this;
        }

        @Override
        public Map<CustomerKey, UUID> findActive(Set<CustomerKey> keys) {
            sent.add(Set.copyOf(keys));
            if (sent.size() == 1) {
                firstSent.countDown();
                await(release);
            }
            Exception failure = failures.get(sent.size());
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            return repository.findActive(keys);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Future<Optional<UUID>> lookUp(CustomerLookups lookups, CustomerKey key) {
        return callers.submit(() -> lookups.find(key));
    }

    /** Starts a lookup of the first key, whose query {@code query} holds, and waits until it is sent. */
    private static Future<Optional<UUID>> holdFirst(CustomerLookups lookups, HeldQuery query) {
        Future<Optional<UUID>> first = lookUp(lookups, KEYS.get(0));
        await(query.firstSent);
        return first;
    }

    /** Starts lookups of {@code QUEUED} keys after the first and waits until all of them are queued. */
    private static List<Future<Optional<UUID>>> queueBehind(CustomerLookups lookups) {
        List<Future<Optional<UUID>>> queued = new ArrayList<>();
        for (CustomerKey key : KEYS.subList(1, 1 + QUEUED)) {
            queued.add(lookUp(lookups, key));
        }
        Await.until(Await.PICKUP, QUEUED + " lookups queued", () -> lookups.queued() == QUEUED);
        return queued;
    }

    private static Optional<UUID> expected(CustomerKey key) {
        return Optional.ofNullable(EXPECTED.get(key));
    }

    @Test
    void oneQueryAnswersIdsAndAliasesOfTwoTenantsEachWithinItsOwnTenant() throws Exception {
        assertEquals(EXPECTED, repository.findActive(new LinkedHashSet<>(KEYS)),
                "found: the unarchived customers of each key's own tenant, and nothing else");
        assertEquals(Map.of(), repository.findActive(Set.of()), "no key: nothing");
        for (CustomerKey key : KEYS) {
            assertEquals(expected(key), new CustomerLookups(repository, () -> { }).find(key), key.toString());
        }
    }

    @Test
    void aBatchOfIdsOnlyOrAliasesOnlyIsAnsweredAsInAMixedOne() throws Exception {
        for (boolean ids : List.of(true, false)) {
            Set<CustomerKey> keys = new LinkedHashSet<>();
            Map<CustomerKey, UUID> expected = new HashMap<>();
            for (CustomerKey key : KEYS) {
                if ((key.ref().id() != null) == ids) {
                    keys.add(key);
                    expected(key).ifPresent(id -> expected.put(key, id));
                }
            }
            assertTrue(keys.size() > expected.size() && !expected.isEmpty(), "some found, some not");
            assertEquals(expected, repository.findActive(keys), ids ? "ids only" : "aliases only");
        }
    }

    @Test
    void theRequestPathCountsLookupsAndQueriesAndSendsNoInvalidAliasToTheDatabase() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AtomicInteger queries = new AtomicInteger();
        Customers customers = new Customers(repository, Duration.ofHours(1), Freshness.UNTIL_EXPIRY,
                lookups::incrementAndGet, queries::incrementAndGet, () -> { });
        assertEquals(EXPECTED.get(alias(tenantA, "shared")), customers.findActive(tenantA, "shared").orElseThrow());
        assertEquals(EXPECTED.get(alias(tenantB, "shared")), customers.findActive(tenantB, "shared").orElseThrow());
        UUID sharedA = EXPECTED.get(alias(tenantA, "shared"));
        assertEquals(Optional.empty(), customers.findActive(tenantB, CustomerIds.format(sharedA)));
        assertEquals(Optional.of(sharedA), customers.findActive(tenantA, CustomerIds.format(sharedA)));
        assertEquals(Optional.empty(), customers.findActive(tenantA, "archived"));
        assertEquals(5, lookups.get());
        assertEquals(5, queries.get(), "one at a time: a query each");

        assertEquals(Optional.empty(), customers.findActive(tenantA, "not an alias' OR '1'='1"));
        assertEquals(Optional.empty(), customers.findActive(tenantA, "x".repeat(256)));
        assertEquals(5, queries.get(), "an alias outside the allowed characters never reaches SQL");
        assertEquals(5, lookups.get());
    }

    /** The held first lookup and every lookup queued behind it were answered, each for its own key. */
    private static void assertEachGotItsOwnAnswer(Future<Optional<UUID>> first, List<Future<Optional<UUID>>> queued)
            throws Exception {
        assertEquals(expected(KEYS.get(0)), first.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < QUEUED; i++) {
            assertEquals(expected(KEYS.get(1 + i)), queued.get(i).get(30, TimeUnit.SECONDS), KEYS.get(1 + i).toString());
        }
    }

    @Test
    void lookupsThatArriveWhileAQueryRunsShareTheNextQueryAndEachGetsItsOwnAnswer() throws Exception {
        HeldQuery query = new HeldQuery();
        AtomicInteger queries = new AtomicInteger();
        CustomerLookups lookups = new CustomerLookups(query, queries::incrementAndGet, 1, 128);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        List<Future<Optional<UUID>>> queued = queueBehind(lookups);
        query.release.countDown();

        assertEachGotItsOwnAnswer(first, queued);
        assertEquals(List.of(Set.of(KEYS.get(0)), Set.copyOf(KEYS.subList(1, 1 + QUEUED))), query.sent,
                "the first query carried its key only (none joined it once sent), the second all that queued meanwhile");
        assertEquals(2, queries.get());
        assertEquals(0, lookups.queued());
    }

    @Test
    void aQueryIsCappedAndTheRestGoesInTheNext() throws Exception {
        HeldQuery query = new HeldQuery();
        CustomerLookups lookups = new CustomerLookups(query, () -> { }, 1, 5);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        List<Future<Optional<UUID>>> queued = queueBehind(lookups);
        query.release.countDown();

        assertEachGotItsOwnAnswer(first, queued);
        assertEquals(List.of(1, 5, 5, 2), query.sent.stream().map(Set::size).toList(), "at most 5 keys a query");
    }

    @Test
    void whileASlotIsFreeALookupIsSentAtOnceEvenWithAQueryHeld() throws Exception {
        HeldQuery query = new HeldQuery();
        CustomerLookups lookups = new CustomerLookups(query, () -> { }, 2, 128);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        CustomerKey second = KEYS.get(1);
        assertEquals(expected(second), lookUp(lookups, second).get(30, TimeUnit.SECONDS),
                "answered while the first query is still held");
        assertFalse(first.isDone(), "the first query is still held");
        query.release.countDown();
        assertEquals(expected(KEYS.get(0)), first.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(Set.of(KEYS.get(0)), Set.of(second)), query.sent);
    }

    @Test
    void aFailedQueryFailsEveryLookupItCarriedAndLaterLookupsAreAnswered() throws Exception {
        DataAccessException down = new DataAccessException(new SQLException("the database is down", "08006"));
        IllegalStateException broken = new IllegalStateException("a broken driver");
        HeldQuery query = new HeldQuery().failing(2, down).failing(4, broken);
        CustomerLookups lookups = new CustomerLookups(query, () -> { }, 1, 128);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        List<Future<Optional<UUID>>> queued = queueBehind(lookups);
        query.release.countDown();

        assertEquals(expected(KEYS.get(0)), first.get(30, TimeUnit.SECONDS));
        for (Future<Optional<UUID>> lookup : queued) {
            assertSame(down, failure(lookup), "every lookup of the failed query gets its failure");
        }
        assertEquals(2, query.sent.size(), "one failed query for all " + QUEUED);
        assertEquals(expected(KEYS.get(1)), lookUp(lookups, KEYS.get(1)).get(30, TimeUnit.SECONDS),
                "a later lookup is answered: the failed query gave its slot back");
        assertSame(broken, failure(lookUp(lookups, KEYS.get(2))), "an unchecked failure reaches its lookup as is");
        assertEquals(expected(KEYS.get(2)), lookUp(lookups, KEYS.get(2)).get(30, TimeUnit.SECONDS));
        assertEquals(5, query.sent.size());
    }

    @Test
    void whenTheFirstQueryFailsTheLookupsQueuedBehindItAreSentNext() throws Exception {
        DataAccessException timeout = new DataAccessException(
                new java.sql.SQLTransientConnectionException("connection is not available"));
        HeldQuery query = new HeldQuery().failing(1, timeout);
        CustomerLookups lookups = new CustomerLookups(query, () -> { }, 1, 128);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        List<Future<Optional<UUID>>> queued = queueBehind(lookups);
        query.release.countDown();

        assertSame(timeout, failure(first));
        for (int i = 0; i < QUEUED; i++) {
            assertEquals(expected(KEYS.get(1 + i)), queued.get(i).get(30, TimeUnit.SECONDS), KEYS.get(1 + i).toString());
        }
        assertEquals(2, query.sent.size());
    }

    @Test
    void anInterruptedLookupStillGetsItsAnswerAndKeepsTheInterrupt() throws Exception {
        HeldQuery query = new HeldQuery();
        CustomerLookups lookups = new CustomerLookups(query, () -> { }, 1, 128);
        Future<Optional<UUID>> first = holdFirst(lookups, query);
        CustomerKey key = KEYS.get(1);
        AtomicReference<Optional<UUID>> answer = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            answer.set(lookups.find(key));
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        Await.until(Await.PICKUP, "the lookup queued", () -> lookups.queued() == 1);
        waiter.interrupt();
        query.release.countDown();
        waiter.join(TimeUnit.SECONDS.toMillis(30));

        assertEquals(expected(key), answer.get(), "answered by the next query, not abandoned");
        assertEquals(true, interrupted.get(), "the interrupt is kept for the caller");
        assertEquals(expected(KEYS.get(0)), first.get(30, TimeUnit.SECONDS));
        assertEquals(2, query.sent.size());
    }

    private static Throwable failure(Future<?> lookup) throws Exception {
        try {
            lookup.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the lookup did not fail");
    }
}
