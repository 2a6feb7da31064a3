package dev.portaltoken.http;

import dev.portaltoken.api.admin.CustomersApi;
import dev.portaltoken.api.admin.model.CustomerCreate;
import dev.portaltoken.api.admin.model.CustomerUpdate;
import dev.portaltoken.api.admin.model.CustomerUpsert;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/v1/customers}: a tenant's API key manages that tenant's customers, and no other's (a
 * customer of another tenant is not found, by id or by alias). Portal and admin keys are refused.
 */
final class CustomersResource implements CustomersApi {
    static final String BASE = "/api/v1/customers";

    private final CustomerOperations operations;

    CustomersResource(CustomerOperations operations) {
        this.operations = operations;
    }

    private static CustomerOperations.Scope scope() {
        Caller caller = CurrentCaller.get();
        if (caller.kind() != Caller.Kind.TENANT) {
            throw new ApiException(403, "only a tenant's API key manages /api/v1/customers; an admin key uses"
                    + " /admin/v1/tenants/{tenant}/customers");
        }
        return new CustomerOperations.Scope(caller, caller.tenantId(), BASE);
    }

    @Override
    public Response createCustomer(CustomerCreate body, String idempotencyKey) {
        return operations.create(scope(), body, idempotencyKey);
    }

    @Override
    public Response importCustomers(java.io.InputStream body, String idempotencyKey) {
        return operations.importCustomers(scope(), body, idempotencyKey);
    }

    @Override
    public Response listCustomers(Integer limit, String cursor, Boolean archived, String aliasPrefix) {
        return operations.list(scope(), limit, cursor, archived, aliasPrefix);
    }

    @Override
    public Response getCustomer(String idOrAlias) {
        return operations.get(scope(), idOrAlias);
    }

    @Override
    public Response upsertCustomer(String alias, CustomerUpsert body, String ifMatch) {
        return operations.upsert(scope(), alias, body, ifMatch);
    }

    @Override
    public Response updateCustomer(String idOrAlias, CustomerUpdate body, String ifMatch) {
        return operations.update(scope(), idOrAlias, body, ifMatch);
    }

    @Override
    public Response archiveCustomer(String idOrAlias, String ifMatch) {
        return operations.archive(scope(), idOrAlias, ifMatch);
    }

    @Override
    public Response unarchiveCustomer(String idOrAlias, String idempotencyKey, String ifMatch) {
        return operations.unarchive(scope(), idOrAlias, idempotencyKey, ifMatch);
    }
}
