package dev.portaltoken.http;

import dev.portaltoken.api.admin.model.CustomerCreate;
import dev.portaltoken.api.admin.model.CustomerPage;
import dev.portaltoken.api.admin.model.CustomerUpdate;
import dev.portaltoken.api.admin.model.CustomerUpsert;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customer;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Page;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.idempotency.IdempotencyKeys;
import dev.portaltoken.ids.CustomerIds;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The customer operations of the admin API, shared by the tenant's routes ({@code /api/v1/customers},
 * {@link CustomersResource}) and the operator's ({@code /admin/v1/tenants/{tenant}/customers},
 * {@link TenantCustomersResource}): DTOs to {@link Customers} calls and back, with {@code ETag} and
 * {@code If-Match}, {@code Location} and {@code Idempotency-Key}. Thread-safe.
 */
final class CustomerOperations {
    private final Customers customers;
    private final Answers answers;

    CustomerOperations(Customers customers, Answers answers) {
        this.customers = customers;
        this.answers = answers;
    }

    /**
     * The tenant and caller an operation acts for.
     *
     * @param base where the tenant's customers are, for {@code Location}: {@code /api/v1/customers} or
     *             {@code /admin/v1/tenants/{tenant}/customers}
     */
    record Scope(Caller caller, UUID tenantId, String base) {
        Actor actor() {
            return Answers.actor(caller);
        }
    }

    Response create(Scope scope, CustomerCreate body, String idempotencyKey) {
        CustomerCreate given = body == null ? new CustomerCreate() : body;
        UUID id = given.getId() == null ? null : CustomerIds.parse(given.getId())
                .orElseThrow(() -> Failure.invalid("id must be a customer id: cus_ and base62"));
        return once(scope, idempotencyKey, "POST " + scope.base(), given, () -> {
            Customer created = customers.create(scope.actor(), scope.tenantId(), id, given.getAlias(), given.getName(),
                    given.getEmail());
            return answer(201, created, scope.base() + "/" + created.publicId());
        });
    }

    Response upsert(Scope scope, String alias, CustomerUpsert body, String ifMatch) {
        CustomerUpsert given = body == null ? new CustomerUpsert() : body;
        Customers.Upserted upserted = customers.upsert(scope.actor(), scope.tenantId(), alias, given.getName(),
                given.getEmail(), version(ifMatch));
        Customer customer = upserted.customer();
        return respond(upserted.created() ? answer(201, customer, scope.base() + "/" + customer.publicId())
                : answer(200, customer, null), false);
    }

    Response get(Scope scope, String idOrAlias) {
        return respond(answer(200, customers.get(scope.tenantId(), idOrAlias), null), false);
    }

    Response list(Scope scope, Integer limit, String cursor, Boolean archived, String aliasPrefix) {
        Page<Customer> page = customers.page(scope.tenantId(), Page.limit(limit), cursor, archived, aliasPrefix);
        CustomerPage dto = new CustomerPage().data(page.items().stream().map(CustomerOperations::dto).toList())
                .hasMore(page.next().isPresent()).nextCursor(page.next().orElse(null));
        return Response.ok(dto, MediaType.APPLICATION_JSON_TYPE).build();
    }

    Response update(Scope scope, String idOrAlias, CustomerUpdate body, String ifMatch) {
        CustomerUpdate given = body == null ? new CustomerUpdate() : body;
        return respond(answer(200, customers.update(scope.actor(), scope.tenantId(), idOrAlias, given.getAlias(),
                given.getName(), given.getEmail(), version(ifMatch)), null), false);
    }

    Response archive(Scope scope, String idOrAlias, String ifMatch) {
        return respond(answer(200, customers.archive(scope.actor(), scope.tenantId(), idOrAlias, version(ifMatch)),
                null), false);
    }

    Response unarchive(Scope scope, String idOrAlias, String idempotencyKey, String ifMatch) {
        return once(scope, idempotencyKey, "POST " + scope.base() + "/" + idOrAlias + "/unarchive " + ifMatch, null,
                () -> answer(200, customers.unarchive(scope.actor(), scope.tenantId(), idOrAlias, version(ifMatch)),
                        null));
    }

    private IdempotencyKeys.Answer answer(int status, Customer customer, String location) {
        return answers.answer(status, dto(customer), location, etag(customer));
    }

    static dev.portaltoken.api.admin.model.Customer dto(Customer customer) {
        return new dev.portaltoken.api.admin.model.Customer().id(customer.publicId()).alias(customer.alias())
                .name(customer.name()).email(customer.email()).archived(customer.isArchived())
                .createdAt(customer.created().atOffset(ZoneOffset.UTC))
                .archivedAt(customer.archived() == null ? null : customer.archived().atOffset(ZoneOffset.UTC));
    }

    /** A strong entity tag of the customer's version. */
    static String etag(Customer customer) {
        return Answers.etag(customer.version());
    }

    private static String version(String ifMatch) {
        return Answers.version(ifMatch);
    }

    /** Runs a POST once per Idempotency-Key: its request is {@code what} and {@code body}. */
    private Response once(Scope scope, String idempotencyKey, String what, Object body,
                          java.util.function.Supplier<IdempotencyKeys.Answer> work) {
        return answers.once(scope.caller(), idempotencyKey, scope.tenantId() + " " + what, body, work);
    }

    private static Response respond(IdempotencyKeys.Answer answer, boolean replayed) {
        return Answers.respond(answer, replayed);
    }
}
