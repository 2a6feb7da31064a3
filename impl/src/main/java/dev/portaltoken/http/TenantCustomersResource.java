package dev.portaltoken.http;

import dev.portaltoken.api.admin.TenantCustomersApi;
import dev.portaltoken.api.admin.model.CustomerCreate;
import dev.portaltoken.api.admin.model.CustomerUpdate;
import dev.portaltoken.api.admin.model.CustomerUpsert;
import dev.portaltoken.tenant.Tenants;
import jakarta.ws.rs.core.Response;

/** {@code /admin/v1/tenants/{tenant}/customers}: an admin key manages any tenant's customers. */
final class TenantCustomersResource implements TenantCustomersApi {
    private final CustomerOperations operations;
    private final Tenants tenants;

    TenantCustomersResource(CustomerOperations operations, Tenants tenants) {
        this.operations = operations;
        this.tenants = tenants;
    }

    /** The admin key's scope on tenant {@code slug}; 403 for any other key, 404 for no such tenant. */
    private CustomerOperations.Scope scope(String slug) {
        var caller = CurrentCaller.admin();
        return new CustomerOperations.Scope(caller, tenants.require(slug).id(), "/admin/v1/tenants/" + slug + "/customers");
    }

    @Override
    public Response adminCreateCustomer(String tenant, CustomerCreate body, String idempotencyKey) {
        return operations.create(scope(tenant), body, idempotencyKey);
    }

    @Override
    public Response adminImportCustomers(String tenant, java.io.InputStream body, String idempotencyKey) {
        return operations.importCustomers(scope(tenant), body, idempotencyKey);
    }

    @Override
    public Response adminListCustomers(String tenant, Integer limit, String cursor, Boolean archived, String aliasPrefix) {
        return operations.list(scope(tenant), limit, cursor, archived, aliasPrefix);
    }

    @Override
    public Response adminGetCustomer(String tenant, String idOrAlias) {
        return operations.get(scope(tenant), idOrAlias);
    }

    @Override
    public Response adminUpsertCustomer(String tenant, String alias, CustomerUpsert body, String ifMatch) {
        return operations.upsert(scope(tenant), alias, body, ifMatch);
    }

    @Override
    public Response adminUpdateCustomer(String tenant, String idOrAlias, CustomerUpdate body, String ifMatch) {
        return operations.update(scope(tenant), idOrAlias, body, ifMatch);
    }

    @Override
    public Response adminArchiveCustomer(String tenant, String idOrAlias, String ifMatch) {
        return operations.archive(scope(tenant), idOrAlias, ifMatch);
    }

    @Override
    public Response adminUnarchiveCustomer(String tenant, String idOrAlias, String idempotencyKey, String ifMatch) {
        return operations.unarchive(scope(tenant), idOrAlias, idempotencyKey, ifMatch);
    }
}
