package dev.portaltoken.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.Sql;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lookup that read the database before a change committed, and finishes after the change's
 * notification was handled, must not leave its stale answer in the cache. Played step by step on a
 * real PostgreSQL: the caches' real repositories read through a data source that holds the reading
 * thread, after its query, until the test lets it go (no sleeps).
 */
class InvalidationRaceTest {
    private static EmbeddedDatabases.Opened database;
    private static ExecutorService lookups;
    private static Tenant tenant;

    /** Holds the thread that closes its connection (its read is done) while armed. */
    private static final class HoldingDataSource {
        private final DataSource real;
        private volatile CountDownLatch read;
        private volatile CountDownLatch proceed;

        HoldingDataSource(DataSource real) {
            this.real = real;
        }

        /** The next read signals {@code read} once done and waits for {@code proceed} before returning. */
        void holdNextRead(CountDownLatch read, CountDownLatch proceed) {
            this.proceed = proceed;
            this.read = read;
        }

        /** As a DataSource for the repositories under test. */
        DataSource dataSource() {
            return Sql.dataSource(this::getConnection);
        }

        Connection getConnection() throws SQLException {
            Connection connection = real.getConnection();
            CountDownLatch signal = read;
            CountDownLatch await = proceed;
            read = null;
            if (signal == null) {
                return connection;
            }
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(connection, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("close")) {
                            signal.countDown();
                            if (!await.await(30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("never let go");
                            }
                        }
                        return result;
                    });
        }
    }

    @BeforeAll
    static void open() throws Exception {
        database = EmbeddedDatabases.open("race");
        tenant = new Tenants(new TenantRepository(database.dataSource())).create("race", "Race", null);
        lookups = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void close() {
        lookups.shutdownNow();
        database.close();
    }

    @Test
    void aCustomerLookupThatReadBeforeAnArchiveDoesNotCacheTheArchivedCustomer() throws Exception {
        Customers admin = new Customers(new CustomerRepository(database.dataSource()));
        UUID id = admin.create(tenant.id(), "racer", null, null);
        HoldingDataSource holding = new HoldingDataSource(database.dataSource());
        Customers cached = new Customers(new CustomerRepository(holding.dataSource()), Duration.ofHours(1), Freshness.UNTIL_EXPIRY);

        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        holding.holdNextRead(read, proceed);
        Future<Optional<UUID>> lookup = lookups.submit(() -> cached.findActive(tenant.id(), "racer"));
        assertTrue(read.await(30, TimeUnit.SECONDS), "the lookup read the customer, still active");
        admin.archive(tenant.id(), "racer");      // committed after that read
        cached.forgetTenant(tenant.id());          // its notification, handled before the lookup stores
        proceed.countDown();
        assertEquals(Optional.of(id), lookup.get(30, TimeUnit.SECONDS), "that request saw the state it read");

        assertEquals(Optional.empty(), cached.findActive(tenant.id(), "racer"),
                "the next lookup reads again: the stale answer was not cached");
    }

    @Test
    void aKeyVerificationThatReadBeforeARevocationDoesNotCacheTheRevokedKey() throws Exception {
        ApiKeyRepository keys = new ApiKeyRepository(database.dataSource());
        ApiKeyFormat.Generated key = ApiKeyFormat.generate(Uuids.v7());
        keys.insert(tenant.id(), "racer", key);
        HoldingDataSource holding = new HoldingDataSource(database.dataSource());
        ApiKeyAuthenticator cached = new ApiKeyAuthenticator(new ApiKeyRepository(holding.dataSource()), Duration.ofSeconds(30),
                Freshness.UNTIL_EXPIRY);

        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        holding.holdNextRead(read, proceed);
        Future<Optional<Caller>> verifying = lookups.submit(() -> cached.authenticate(key.key()));
        assertTrue(read.await(30, TimeUnit.SECONDS), "the verification read the key, not yet revoked");
        assertTrue(keys.revoke(tenant.id(), key.id()));
        cached.forgetKey(key.id());                // its notification, handled before the verification stores
        proceed.countDown();
        assertTrue(verifying.get(30, TimeUnit.SECONDS).isPresent(), "that request saw the state it read");

        assertEquals(Optional.empty(), cached.cached(key.key()), "not cached");
        assertEquals(Optional.empty(), cached.authenticate(key.key()), "verified again: revoked");
    }

    @Test
    void anEntryIsServedOnlyWhileItsFreshnessTrustsIt() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean trusted = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        GuardedCache<String, String> cache = new GuardedCache<>(Duration.ofHours(1), Duration.ZERO, 10,
                loadedAt -> trusted.get(), Runnable::run);
        GuardedCache.Loader<String, String> loader = key -> key + "#" + loads.incrementAndGet();
        assertEquals(Optional.of("a#1"), cache.get("a", loader));
        assertEquals(Optional.of("a#1"), cache.get("a", loader), "served from the cache");
        trusted.set(false);
        assertEquals(Optional.empty(), cache.getIfPresent("a"), "an untrusted entry is not served");
        assertEquals(Optional.of("a#2"), cache.get("a", loader), "but read again");
        trusted.set(true);
        assertEquals(Optional.of("a#2"), cache.getIfPresent("a"));
    }

    @Test
    void whileNotConfirmedListeningEntriesAreTrustedForOneHeartbeatOnly() {
        dev.portaltoken.db.ChangeListener notStarted = new dev.portaltoken.db.ChangeListener(database.database());
        assertTrue(!notStarted.alive(), "not listening yet");
        assertTrue(notStarted.trusts(System.nanoTime()), "just loaded");
        assertTrue(!notStarted.trusts(System.nanoTime() - dev.portaltoken.db.ChangeListener.HEARTBEAT.toNanos() - 1_000_000),
                "older than a heartbeat interval");
    }
}
