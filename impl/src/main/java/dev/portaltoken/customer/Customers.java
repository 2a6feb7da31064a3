package dev.portaltoken.customer;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import java.sql.SQLException;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.portaltoken.db.DataAccessException;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.UUID;
import java.util.regex.Pattern;

/** Creating, finding and archiving a tenant's customers. Thread-safe. */
public final class Customers {
    /** Aliases travel in a URL path segment, so they keep to characters that need no escaping there. */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._~@:+-]{1,255}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** Found customers remembered at most, per instance and across tenants. */
    public static final int CACHE_ENTRIES = 100_000;

    private final CustomerRepository repository;
    private final LoadingCache<Lookup, UUID> found;

    /** For admin work: every lookup reads the database. */
    public Customers(CustomerRepository repository) {
        this(repository, Duration.ZERO);
    }

    /**
     * @param cacheTtl how long a found customer is remembered per tenant and id-or-alias (zero: not
     *                 at all); the longest an archive or alias change takes to reach this instance.
     *                 Misses are never cached, so a new customer is found at once. Entries in use
     *                 are re-read in the background after two thirds of it, so busy customers never
     *                 wait for the database and entries do not all expire at once.
     */
    public Customers(CustomerRepository repository, Duration cacheTtl) {
        this.repository = repository;
        this.found = cacheTtl.isZero() ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(cacheTtl)
                        .refreshAfterWrite(cacheTtl.multipliedBy(2).dividedBy(3))
                        .maximumSize(CACHE_ENTRIES)
                        .build(this::load);
    }

    /** Forgets every customer of {@code tenantId} found so far (one of them changed). */
    public void forgetTenant(UUID tenantId) {
        if (found != null) {
            found.asMap().keySet().removeIf(key -> key.tenantId().equals(tenantId));
        }
    }

    /** Forgets every customer found so far (changes may have been missed). */
    public void forgetAll() {
        if (found != null) {
            found.invalidateAll();
        }
    }

    /** The cache's loader: the customer's UUID, or null (not cached) when there is none. */
    private UUID load(Lookup key) {
        try {
            return lookUp(key.tenantId(), key.idOrAlias()).orElse(null);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private record Lookup(UUID tenantId, String idOrAlias) {
    }

    /**
     * Creates a customer and returns its UUID.
     *
     * @throws ApiException BAD_REQUEST for an invalid or duplicate alias or a malformed email
     */
    public UUID create(UUID tenantId, String alias, String name, String email) throws SQLException {
        if (alias != null) {
            checkAlias(alias);
        }
        if (email != null) {
            checkEmail(email);
        }
        UUID id = Uuids.v7();
        repository.insert(tenantId, id, alias, name, email);
        return id;
    }

    /**
     * Changes a customer's alias, name or email; for each, null keeps it and an empty string clears it.
     *
     * @throws ApiException BAD_REQUEST for nothing to change, an invalid or taken alias or a bad email;
     *                      NOT_FOUND when the tenant has no such customer (archived ones included)
     */
    public void update(UUID tenantId, String idOrAlias, String alias, String name, String email) throws SQLException {
        if (alias == null && name == null && email == null) {
            throw ApiException.badRequest("nothing to change: give --alias, --name or --email");
        }
        if (alias != null && !alias.isEmpty()) {
            checkAlias(alias);
        }
        if (email != null && !email.isEmpty()) {
            checkEmail(email);
        }
        boolean updated = repository.update(tenantId, CustomerRef.parse(idOrAlias), change(alias), change(name),
                change(email));
        if (!updated) {
            throw ApiException.notFound("no customer '" + idOrAlias + "' in this tenant");
        }
    }

    /** @throws ApiException NOT_FOUND when the tenant has no such archived customer */
    public void unarchive(UUID tenantId, String idOrAlias) throws SQLException {
        if (!repository.unarchive(tenantId, CustomerRef.parse(idOrAlias))) {
            throw ApiException.notFound("no archived customer '" + idOrAlias + "' in this tenant");
        }
    }

    public List<CustomerRepository.Listed> list(UUID tenantId) throws SQLException {
        return repository.list(tenantId);
    }

    /**
     * Creates or updates, by alias, every row of a validated import, in one transaction.
     *
     * @param progress told how many rows have been written so far
     */
    public CustomerRepository.ImportResult importRows(UUID tenantId, CustomerImport.Parsed parsed,
                                                     IntConsumer progress) throws SQLException {
        if (!parsed.errors().isEmpty()) {
            throw new IllegalArgumentException("an import with bad rows must not be written");
        }
        return repository.importRows(tenantId, parsed.rows(), progress);
    }

    /** @throws ApiException BAD_REQUEST when {@code alias} may not be an alias */
    static void checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw ApiException.badRequest("alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -");
        }
        if (CustomerIds.parse(alias).isPresent()) {
            throw ApiException.badRequest("alias '" + alias + "' has the form of a customer id; choose another");
        }
    }

    /** @throws ApiException BAD_REQUEST when {@code email} is not an email address */
    static void checkEmail(String email) {
        if (!EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("email '" + email + "' is not an email address");
        }
    }

    private static CustomerRepository.Change change(String value) {
        return value == null ? null : new CustomerRepository.Change(value.isEmpty() ? null : value);
    }

    /** The UUID of the tenant's unarchived customer named by {@code idOrAlias}, if there is one. */
    public Optional<UUID> findActive(UUID tenantId, String idOrAlias) throws SQLException {
        if (found == null) {
            return lookUp(tenantId, idOrAlias);
        }
        try {
            return Optional.ofNullable(found.get(new Lookup(tenantId, idOrAlias)));
        } catch (DataAccessException e) {
            throw (SQLException) e.getCause();
        }
    }

    private Optional<UUID> lookUp(UUID tenantId, String idOrAlias) throws SQLException {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        if (ref.id() != null) {
            return repository.findActiveById(tenantId, ref.id());
        }
        if (!ALIAS.matcher(ref.alias()).matches()) {
            return Optional.empty(); // no alias outside the allowed characters can exist (nor reach SQL)
        }
        return repository.findActiveByAlias(tenantId, ref.alias());
    }

    /** @throws ApiException NOT_FOUND when the tenant has no such unarchived customer */
    public void archive(UUID tenantId, String idOrAlias) throws SQLException {
        if (!repository.archive(tenantId, CustomerRef.parse(idOrAlias))) {
            throw ApiException.notFound("no active customer '" + idOrAlias + "' in this tenant");
        }
    }
}
