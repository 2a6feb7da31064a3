package dev.portaltoken.http;

import dev.portaltoken.api.admin.model.CustomerCreate;
import dev.portaltoken.api.admin.model.CustomerImportResult;
import dev.portaltoken.api.admin.model.CustomerPage;
import dev.portaltoken.api.admin.model.CustomerUpdate;
import dev.portaltoken.api.admin.model.CustomerUpsert;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customer;
import dev.portaltoken.customer.CustomerImporter;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Page;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.idempotency.IdempotencyKeys;
import dev.portaltoken.ids.CustomerIds;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The customer operations of the admin API, shared by the tenant's routes ({@code /api/v1/customers},
 * {@link CustomersResource}) and the operator's ({@code /admin/v1/tenants/{tenant}/customers},
 * {@link TenantCustomersResource}): DTOs to {@link Customers} calls and back, with {@code ETag} and
 * {@code If-Match}, {@code Location} and {@code Idempotency-Key}. Thread-safe.
 */
final class CustomerOperations {
    /** How many of an import's bad rows its 400 lists at most. */
    static final int BAD_ROWS_LISTED = 100;

    private final Customers customers;
    private final CustomerImporter importer;
    private final Answers answers;

    CustomerOperations(Customers customers, CustomerImporter importer, Answers answers) {
        this.customers = customers;
        this.importer = importer;
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

    /**
     * Imports the body, streamed, all or nothing: bad rows are a 400 listing the first
     * {@value #BAD_ROWS_LISTED}. With an Idempotency-Key the request is the body's digest, known
     * once it is read, so the key is claimed then, in the import's transaction.
     */
    Response importCustomers(Scope scope, InputStream body, String idempotencyKey) {
        ImportBody upload = ImportBody.of(body);
        List<String> listed = new ArrayList<>();
        CustomerImporter.Listener listener = new CustomerImporter.Listener() {
            @Override
            public void badRow(String message) {
                if (listed.size() < BAD_ROWS_LISTED) {
                    listed.add(message);
                }
            }

            @Override
            public void progress(long records) {
            }
        };
        IdempotencyKeys.Outcome outcome;
        try {
            outcome = importer.importRows(scope.actor(), scope.tenantId(), upload.format(), upload.reader(), listener,
                    rejected -> {
                        checkRead(upload);
                        throw Failure.invalid(rejected.badRows() + " bad row" + (rejected.badRows() == 1 ? "" : "s")
                                + ", nothing was imported" + (rejected.badRows() > listed.size() ? " (the first "
                                + listed.size() + " listed)" : "") + ":\n" + String.join("\n", listed));
                    },
                    apply -> {
                        checkRead(upload);
                        return answers.onceDigested(scope.caller(), idempotencyKey, ApiKeyFormat.sha256(
                                scope.tenantId() + " POST " + scope.base() + "/import " + upload.format() + "\n"
                                        + HexFormat.of().formatHex(upload.digest())), () -> imported(apply.get()));
                    });
        } catch (IOException e) {
            throw unread(e);
        }
        return Answers.respond(outcome.answer(), outcome.replayed());
    }

    /** Whatever the parser made of it, a body that could not be read whole is refused as such. */
    private static void checkRead(ImportBody upload) {
        if (upload.failure() != null) {
            throw unread(upload.failure());
        }
    }

    private static RuntimeException unread(IOException e) {
        return e instanceof CharacterCodingException ? Failure.invalid("the body is not UTF-8 text")
                : ApiException.badRequest("request body was not received completely");
    }

    private IdempotencyKeys.Answer imported(CustomerImporter.Result result) {
        return answers.answer(200, new CustomerImportResult().created(result.created()).updated(result.updated())
                .unchanged(result.skipped()).rows(result.created() + result.updated() + result.skipped()), null, null);
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
