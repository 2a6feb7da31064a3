package dev.portaltoken.customer;

import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.db.Page;
import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.cache.Freshness;
import dev.portaltoken.cache.GuardedCache;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A tenant's customers: finding them on the token path (cached, lookups batched), and reading and
 * changing them for the admin API, the CLI and synchronisations, every change recorded in the audit
 * trail. Thread-safe.
 */
public final class Customers {
    /** Found customers remembered at most, per instance and across tenants. */
    public static final int CACHE_ENTRIES = 100_000;

    private final CustomerRepository repository;
    private final CustomerRecords records;
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
        this.records = new CustomerRecords(repository.dataSource(), this::forgetTenant);
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

    /**
     * The found-customer cache's key. Its equals is written out: a record's own runs through method
     * handles, left uninlined under the cache's map lookup (2.5% of request threads' CPU under load).
     */
    private record Lookup(UUID tenantId, String idOrAlias) {
        @Override public boolean equals(Object other) {
            return other instanceof Lookup that && tenantId.equals(that.tenantId) && idOrAlias.equals(that.idOrAlias); }
        @Override public int hashCode() { return 31 * tenantId.hashCode() + idOrAlias.hashCode(); }
    }

    /** A customer as an upsert left it, and whether it created it. */
    public record Upserted(Customer customer, boolean created) {
    }

    /**
     * Creates a customer, recorded in the audit trail as {@code actor}'s.
     *
     * @param id    its id; null: a new one is generated
     * @param alias null for none
     * @throws Failure INVALID for a bad alias, name or email, CONFLICT for a taken alias or id
     */
    public Customer create(Actor actor, UUID tenantId, UUID id, String alias, String name, String email) {
        return records.create(actor, tenantId, id, alias, name, email);
    }

    /**
     * The idempotent upsert by alias: creates the customer with this alias, or sets its name and email
     * to the ones given (null clears); an archived one stays archived.
     *
     * @param ifVersion the version it must have ({@link Customer#version()}, or {@code *}: it must exist); null: any
     * @throws Failure INVALID for a bad alias, name or email, STALE when {@code ifVersion} does not match
     */
    public Upserted upsert(Actor actor, UUID tenantId, String alias, String name, String email, String ifVersion) {
        return records.upsert(actor, tenantId, alias, name, email, ifVersion);
    }

    /**
     * Changes a customer's alias, name or email; for each, null keeps it and an empty string clears it.
     *
     * @throws Failure INVALID for a bad value, CONFLICT for a taken alias, NOT_FOUND when the tenant has no
     *                 such customer (archived ones included), STALE when {@code ifVersion} does not match
     */
    public Customer update(Actor actor, UUID tenantId, String idOrAlias, String alias, String name, String email,
                           String ifVersion) {
        return records.update(actor, tenantId, idOrAlias, alias, name, email, ifVersion).after();
    }

    /** Archives a customer (one already archived is left so). @throws Failure NOT_FOUND, STALE as {@link #update} */
    public Customer archive(Actor actor, UUID tenantId, String idOrAlias, String ifVersion) {
        return records.setArchived(actor, tenantId, idOrAlias, ifVersion, true).after();
    }

    /** Unarchives a customer (one not archived is left so). @throws Failure NOT_FOUND, STALE as {@link #update} */
    public Customer unarchive(Actor actor, UUID tenantId, String idOrAlias, String ifVersion) {
        return records.setArchived(actor, tenantId, idOrAlias, ifVersion, false).after();
    }

    /** The tenant's customer, archived or not. @throws Failure NOT_FOUND when there is none */
    public Customer get(UUID tenantId, String idOrAlias) {
        return records.get(tenantId, idOrAlias);
    }

    /**
     * A page of the tenant's customers, oldest first.
     *
     * @param cursor      the previous page's cursor; null for the first page
     * @param archived    only archived ones (true), only unarchived ones (false), or both (null)
     * @param aliasPrefix only those whose alias starts with it; null: any
     * @throws Failure INVALID for a cursor this server did not give, or a prefix no alias can start with
     */
    public Page<Customer> page(UUID tenantId, int limit, String cursor, Boolean archived, String aliasPrefix) {
        if (aliasPrefix != null && !aliasPrefix.isEmpty() && !CustomerRules.ALIAS.matcher(aliasPrefix).matches()) {
            throw Failure.invalid("alias_prefix holds a character no alias has (A-Z a-z 0-9 . _ ~ @ : + -)");
        }
        return records.page(tenantId, limit, cursor, archived, aliasPrefix);
    }

    /** The CLI's create: the new customer's UUID. */
    public UUID create(UUID tenantId, String alias, String name, String email) {
        return create(Actor.cli(), tenantId, null, alias, name, email).id();
    }

    /** The CLI's update (see {@link #update(Actor, UUID, String, String, String, String, String)}). */
    public void update(UUID tenantId, String idOrAlias, String alias, String name, String email) {
        update(Actor.cli(), tenantId, idOrAlias, alias, name, email, null);
    }

    /** The CLI's unarchive. @throws Failure NOT_FOUND when the tenant has no such archived customer */
    public void unarchive(UUID tenantId, String idOrAlias) {
        if (!setArchivedOrMissing(tenantId, idOrAlias, false)) {
            throw Failure.notFound("no archived customer '" + idOrAlias + "' in this tenant");
        }
    }

    /** The CLI's archive. @throws Failure NOT_FOUND when the tenant has no such unarchived customer */
    public void archive(UUID tenantId, String idOrAlias) {
        if (!setArchivedOrMissing(tenantId, idOrAlias, true)) {
            throw Failure.notFound("no active customer '" + idOrAlias + "' in this tenant");
        }
    }

    /** @return whether it changed the customer (false: none, or already so) */
    private boolean setArchivedOrMissing(UUID tenantId, String idOrAlias, boolean archived) {
        try {
            return records.setArchived(Actor.cli(), tenantId, idOrAlias, null, archived).changed();
        } catch (Failure e) {
            if (e.kind() == Failure.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** True when {@code alias} may be a customer's alias here (a customer from elsewhere may have one that may not). */
    public static boolean isAlias(String alias) {
        return CustomerRules.ALIAS.matcher(alias).matches() && CustomerIds.parse(alias).isEmpty();
    }

    /** True when {@code email} passes this server's check of an email address. */
    public static boolean isEmail(String email) {
        return CustomerRules.isEmail(email);
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

    /** True when {@link #findActive} would answer {@code idOrAlias} from memory now. Never blocks. */
    public boolean isCached(UUID tenantId, String idOrAlias) {
        return found.getIfPresent(new Lookup(tenantId, idOrAlias)).isPresent();
    }

    /**
     * The UUID of the tenant's customer named by {@code idOrAlias}, archived or not (an archived
     * customer's tokens can still be revoked). Always reads the database.
     */
    public Optional<UUID> findIncludingArchived(UUID tenantId, String idOrAlias) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        if (ref.id() == null && !CustomerRules.ALIAS.matcher(ref.alias()).matches()) {
            return Optional.empty();
        }
        return repository.findAny(tenantId, ref);
    }

    private Optional<UUID> lookUp(UUID tenantId, String idOrAlias) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        if (ref.id() == null && !CustomerRules.ALIAS.matcher(ref.alias()).matches()) {
            return Optional.empty(); // no alias outside the allowed characters can exist (nor reach SQL)
        }
        databaseLookup.run();
        return lookups.find(new CustomerKey(tenantId, ref));
    }

    /** Hands each of the tenant's customers to {@code each}, oldest first, as they are read in {@code snapshot}. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedCustomer> each) {
        repository.list(snapshot, tenantId, each);
    }
}
