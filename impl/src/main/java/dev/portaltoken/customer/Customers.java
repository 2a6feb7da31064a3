package dev.portaltoken.customer;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.cache.Freshness;
import dev.portaltoken.cache.GuardedCache;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Creating, finding and archiving a tenant's customers. Thread-safe. */
public final class Customers {
    /** Aliases travel in a URL path segment, so they keep to characters that need no escaping there. */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._~@:+-]{1,255}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** Found customers remembered at most, per instance and across tenants. */
    public static final int CACHE_ENTRIES = 100_000;

    private final CustomerRepository repository;
    private final CustomerLookups lookups;
    private final GuardedCache<Lookup, UUID> found;
    private final Runnable databaseLookup;
    private final Runnable cacheHit;

    /** For admin work: every lookup reads the database. */
    public Customers(CustomerRepository repository) {
        this(repository, Duration.ZERO, Freshness.UNTIL_EXPIRY);
    }

    /** For admin work on {@code dataSource}'s database: every lookup reads it. */
    public static Customers forAdmin(DataSource dataSource) {
        return new Customers(new CustomerRepository(dataSource));
    }

    /** As {@link #Customers(CustomerRepository, Duration, Freshness, Runnable, Runnable, Runnable)}, counting nothing. */
    public Customers(CustomerRepository repository, Duration cacheTtl, Freshness freshness) {
        this(repository, cacheTtl, freshness, () -> { }, () -> { }, () -> { });
    }

    /**
     * @param cacheTtl  how long a found customer is remembered per tenant and id-or-alias (zero: not
     *                  at all); the longest an archive or alias change takes to reach this instance
     *                  should its notification be missed. Misses are never cached, so a new customer
     *                  is found at once. Entries in use are re-read in the background after two thirds
     *                  of it, so busy customers never wait for the database and entries do not all
     *                  expire at once.
     * @param freshness how long an entry may be trusted while notifications are not known to arrive
     * @param databaseLookup run for every lookup of {@link #findActive} answered by the database (cache
     *                  misses, background refreshes, every lookup without a cache); must be quick and
     *                  thread-safe
     * @param databaseQuery run for every query those lookups make: concurrent lookups share one (see
     *                  {@link CustomerLookups}), so lookups per query is the mean batch size; must be
     *                  quick and thread-safe
     * @param cacheHit  run for every lookup of {@link #findActive} answered from the cache
     */
    public Customers(CustomerRepository repository, Duration cacheTtl, Freshness freshness, Runnable databaseLookup,
            Runnable databaseQuery, Runnable cacheHit) {
        this.repository = repository;
        this.lookups = new CustomerLookups(repository, databaseQuery);
        this.databaseLookup = databaseLookup;
        this.cacheHit = cacheHit;
        this.found = new GuardedCache<>(cacheTtl, cacheTtl.multipliedBy(2).dividedBy(3), CACHE_ENTRIES, freshness,
                ForkJoinPool.commonPool());
    }

    /** Forgets every customer of {@code tenantId} found so far, and lookups in flight (one of them changed). */
    public void forgetTenant(UUID tenantId) {
        found.invalidateIf((key, id) -> key.tenantId().equals(tenantId));
    }

    /** Forgets every customer found so far, and lookups in flight (changes may have been missed). */
    public void forgetAll() {
        found.invalidateAll();
    }

    private record Lookup(UUID tenantId, String idOrAlias) {
    }

    /**
     * Creates a customer and returns its UUID.
     *
     * @throws Failure INVALID for an invalid alias or a malformed email, CONFLICT for a taken alias
     */
    public UUID create(UUID tenantId, String alias, String name, String email) {
        if (alias != null) {
            checkAlias(alias);
        }
        if (email != null) {
            checkEmail(email);
        }
        UUID id = Uuids.v7();
        if (!repository.insert(tenantId, id, alias, name, email)) {
            throw aliasTaken(alias);
        }
        return id;
    }

    /**
     * Changes a customer's alias, name or email; for each, null keeps it and an empty string clears it.
     *
     * @throws Failure INVALID for an invalid alias or a bad email, CONFLICT for a taken alias, NOT_FOUND when the
     *                      tenant has no such customer (archived ones included)
     */
    public void update(UUID tenantId, String idOrAlias, String alias, String name, String email) {
        if (alias != null && !alias.isEmpty()) {
            checkAlias(alias);
        }
        if (email != null && !email.isEmpty()) {
            checkEmail(email);
        }
        switch (repository.update(tenantId, CustomerRef.parse(idOrAlias), change(alias), change(name), change(email))) {
            case NOT_FOUND -> throw Failure.notFound("no customer '" + idOrAlias + "' in this tenant");
            case ALIAS_TAKEN -> throw aliasTaken(alias);
            default -> {
            }
        }
    }

    /** @throws Failure NOT_FOUND when the tenant has no such archived customer */
    public void unarchive(UUID tenantId, String idOrAlias) {
        if (!repository.unarchive(tenantId, CustomerRef.parse(idOrAlias))) {
            throw Failure.notFound("no archived customer '" + idOrAlias + "' in this tenant");
        }
    }

    /** @throws Failure INVALID when {@code alias} may not be an alias */
    static void checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw Failure.invalid("alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -");
        }
        if (CustomerIds.parse(alias).isPresent()) {
            throw Failure.invalid("alias '" + alias + "' has the form of a customer id; choose another");
        }
    }

    /** True when {@code alias} may be a customer's alias here (a customer from elsewhere may have one that may not). */
    public static boolean isAlias(String alias) {
        return ALIAS.matcher(alias).matches() && CustomerIds.parse(alias).isEmpty();
    }

    /** True when {@code email} passes this server's check of an email address. */
    public static boolean isEmail(String email) {
        return EMAIL.matcher(email).matches();
    }

    /** @throws Failure INVALID when {@code email} is not an email address */
    static void checkEmail(String email) {
        if (!EMAIL.matcher(email).matches()) {
            throw Failure.invalid("email '" + email + "' is not an email address");
        }
    }

    private static Failure aliasTaken(String alias) {
        return Failure.conflict("alias '" + alias + "' is already used by another customer of this tenant");
    }

    private static CustomerRepository.Change change(String value) {
        return value == null ? null : new CustomerRepository.Change(value.isEmpty() ? null : value);
    }

    /** The UUID of the tenant's unarchived customer named by {@code idOrAlias}, if there is one. */
    public Optional<UUID> findActive(UUID tenantId, String idOrAlias) {
        Lookup key = new Lookup(tenantId, idOrAlias);
        Optional<UUID> cached = found.getIfPresent(key);
        if (cached.isPresent()) {
            cacheHit.run();
            return cached;
        }
        return found.get(key, k -> lookUp(k.tenantId(), k.idOrAlias()).orElse(null));
    }

    /**
     * The UUID of the tenant's customer named by {@code idOrAlias}, archived or not (an archived
     * customer's tokens can still be revoked). Always reads the database.
     */
    public Optional<UUID> findIncludingArchived(UUID tenantId, String idOrAlias) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        if (ref.id() == null && !ALIAS.matcher(ref.alias()).matches()) {
            return Optional.empty();
        }
        return repository.findAny(tenantId, ref);
    }

    private Optional<UUID> lookUp(UUID tenantId, String idOrAlias) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        if (ref.id() == null && !ALIAS.matcher(ref.alias()).matches()) {
            return Optional.empty(); // no alias outside the allowed characters can exist (nor reach SQL)
        }
        databaseLookup.run();
        return lookups.find(new CustomerKey(tenantId, ref));
    }

    /** Hands each of the tenant's customers to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedCustomer> each) {
        repository.list(snapshot, tenantId, each);
    }

    /** @throws Failure NOT_FOUND when the tenant has no such unarchived customer */
    public void archive(UUID tenantId, String idOrAlias) {
        if (!repository.archive(tenantId, CustomerRef.parse(idOrAlias))) {
            throw Failure.notFound("no active customer '" + idOrAlias + "' in this tenant");
        }
    }
}
