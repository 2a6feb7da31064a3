package dev.portaltoken.customer;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Page;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Customers as whole records, for the admin API and the CLI: read one, read a page, and every change
 * to one, each in one transaction with its audit record: read the row locked,
 * check the version the caller expects (If-Match), write, record. A change that changes nothing is
 * not recorded. Once committed, {@code changed} is told the tenant (this instance forgets what it
 * cached at once; the others hear of it through the database's notification). Thread-safe.
 */
final class CustomerRecords {
    private final DataSource dataSource;
    private final CustomerRows rows;
    private final AuditTrail audit;
    private final Consumer<UUID> changed;

    CustomerRecords(DataSource dataSource, Consumer<UUID> changed) {
        this.dataSource = dataSource;
        this.rows = new CustomerRows(dataSource);
        this.audit = new AuditTrail(dataSource);
        this.changed = changed;
    }

    /** A change done: the customer before and after it. */
    record Change(Customer before, Customer after) {
        boolean changed() {
            return !before.sameAs(after);
        }
    }

    Customer create(Actor actor, UUID tenantId, UUID givenId, String alias, String name, String email) {
        CustomerRules.checkFields(alias, name, email);
        if (alias != null && alias.isEmpty()) {
            throw Failure.invalid("alias must not be empty; leave it out for a customer without one");
        }
        UUID id = givenId != null ? givenId : Uuids.v7();
        return UnitOfWork.inTransaction(dataSource, c -> {
            Customer created = rows.insert(tenantId, id, alias, blankToNull(name), blankToNull(email));
            audit.record(actor, "customer.create", tenantId, created.publicId(), null, created.audited());
            return created;
        });
    }

    Customers.Upserted upsert(Actor actor, UUID tenantId, String alias, String name, String email, String ifVersion) {
        CustomerRules.checkAlias(alias);
        CustomerRules.checkFields(null, name, email);
        return UnitOfWork.inTransaction(dataSource, c -> {
            Optional<Customer> created = ifVersion != null ? Optional.empty()
                    : rows.insertIfAliasFree(tenantId, Uuids.v7(), alias, blankToNull(name), blankToNull(email));
            if (created.isPresent()) {
                audit.record(actor, "customer.create", tenantId, created.get().publicId(), null, created.get().audited());
                return new Customers.Upserted(created.get(), true);
            }
            Customer before = locked(tenantId, alias, ifVersion);
            Customer after = setFields(before, alias, blankToNull(name), blankToNull(email));
            recordIfChanged(actor, "customer.update", new Change(before, after));
            return new Customers.Upserted(after, false);
        });
    }

    /** Sets the fields given: null keeps one, an empty string clears it. */
    Change update(Actor actor, UUID tenantId, String idOrAlias, String alias, String name, String email,
                  String ifVersion) {
        CustomerRules.checkFields(alias, name, email);
        return UnitOfWork.inTransaction(dataSource, c -> {
            Customer before = locked(tenantId, idOrAlias, ifVersion);
            Customer after = setFields(before, alias == null ? before.alias() : blankToNull(alias),
                    name == null ? before.name() : blankToNull(name), email == null ? before.email() : blankToNull(email));
            return recordIfChanged(actor, "customer.update", new Change(before, after));
        });
    }

    /** Archives ({@code archived}) or unarchives; a customer already so is left as it is. */
    Change setArchived(Actor actor, UUID tenantId, String idOrAlias, String ifVersion, boolean archived) {
        return UnitOfWork.inTransaction(dataSource, c -> {
            Customer before = locked(tenantId, idOrAlias, ifVersion);
            if (before.isArchived() == archived) {
                return new Change(before, before);
            }
            Customer after = rows.setArchived(before.id(), archived);
            return recordIfChanged(actor, archived ? "customer.archive" : "customer.unarchive", new Change(before, after));
        });
    }

    /** The customer with these fields; one that has them already is not written (its version stays). */
    private Customer setFields(Customer before, String alias, String name, String email) {
        if (java.util.Objects.equals(before.alias(), alias) && java.util.Objects.equals(before.name(), name)
                && java.util.Objects.equals(before.email(), email)) {
            return before;
        }
        return rows.setFields(before.id(), alias, name, email);
    }

    /** @throws Failure NOT_FOUND when the tenant has no such customer, archived or not */
    Customer get(UUID tenantId, String idOrAlias) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        return (CustomerRules.canName(ref) ? rows.find(tenantId, ref, false) : Optional.<Customer>empty())
                .orElseThrow(() -> notFound(idOrAlias));
    }

    /**
     * A page of the tenant's customers in the listing order (oldest first).
     *
     * @param archived    only archived ones (true), only unarchived ones (false), or both (null)
     * @param aliasPrefix only those whose alias starts with it; null: any
     * @throws Failure INVALID for a cursor this server did not give
     */
    Page<Customer> page(UUID tenantId, int limit, String cursor, Boolean archived, String aliasPrefix) {
        Optional<CustomerRows.PageKey> after = Page.after(cursor).map(CustomerRecords::pageKey);
        return Page.of(rows.page(tenantId, after, archived, aliasPrefix, limit + 1), limit,
                customer -> customer.created().getEpochSecond() + "." + customer.created().getNano() + "." + customer.id());
    }

    private static CustomerRows.PageKey pageKey(String sortKey) {
        String[] parts = sortKey.split("\\.", -1);
        try {
            return new CustomerRows.PageKey(java.time.Instant.ofEpochSecond(Long.parseLong(parts[0]),
                    Long.parseLong(parts[1])), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw Failure.invalid("cursor is not one this server gave; give the next_cursor of the previous page");
        }
    }

    /** Records {@code change} when it changed something, and tells {@link #changed} once it is committed. */
    private Change recordIfChanged(Actor actor, String action, Change change) {
        if (change.changed()) {
            Customer after = change.after();
            audit.record(actor, action, after.tenantId(), after.publicId(), change.before().audited(), after.audited());
            UnitOfWork.afterCommit(dataSource, () -> changed.accept(after.tenantId()));
        }
        return change;
    }

    /**
     * The customer, locked for the rest of the transaction.
     *
     * @throws Failure NOT_FOUND when there is none, STALE when {@code ifVersion} (not null) is not its version
     */
    private Customer locked(UUID tenantId, String idOrAlias, String ifVersion) {
        CustomerRef ref = CustomerRef.parse(idOrAlias);
        Optional<Customer> found = CustomerRules.canName(ref) ? rows.find(tenantId, ref, true) : Optional.empty();
        if (found.isEmpty()) {
            if (ifVersion != null) {
                throw Failure.stale("no customer '" + CustomerRules.shown(idOrAlias) + "' in this tenant to match the"
                        + " version given");
            }
            throw notFound(idOrAlias);
        }
        if (ifVersion != null && !ifVersion.equals("*") && !ifVersion.equals(found.get().version())) {
            throw Failure.stale("customer " + found.get().publicId() + " has changed since the version given;"
                    + " read it again and retry");
        }
        return found.get();
    }

    static Failure notFound(String idOrAlias) {
        return Failure.notFound("no customer '" + CustomerRules.shown(idOrAlias) + "' in this tenant");
    }

    /** A {@code cus_} id given to create a customer with. */
    static UUID givenId(String id) {
        return CustomerIds.parse(id).orElseThrow(() -> Failure.invalid("id must be a customer id: cus_ and base62"));
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
