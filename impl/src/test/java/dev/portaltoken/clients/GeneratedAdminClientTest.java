package dev.portaltoken.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.client.admin.ApiClient;
import dev.portaltoken.client.admin.ApiException;
import dev.portaltoken.client.admin.ApiResponse;
import dev.portaltoken.client.admin.api.AuditApi;
import dev.portaltoken.client.admin.api.CustomersApi;
import dev.portaltoken.client.admin.api.TenantCustomersApi;
import dev.portaltoken.client.admin.model.AuditEvent;
import dev.portaltoken.client.admin.model.Customer;
import dev.portaltoken.client.admin.model.CustomerCreate;
import dev.portaltoken.client.admin.model.CustomerPage;
import dev.portaltoken.client.admin.model.CustomerUpdate;
import dev.portaltoken.client.model.CustomerPortalTokenResponse;
import dev.portaltoken.client.model.ErrorCode;
import dev.portaltoken.client.model.RestErrorResponse;
import dev.portaltoken.support.CheckingProxy;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Java client generated from the admin API's document (clients/java, packages
 * {@code dev.portaltoken.client.admin...}), used as an operator's tool and a SaaS backend would use
 * it, against the real server through {@link CheckingProxy}s (every answer checked against the
 * OpenAPI documents): an admin key on the management port manages a tenant's customers and reads
 * the audit trail; a tenant's API key on the main port creates a customer, and the portal-token
 * client mints its token (the README's two calls). Errors are the contract's RestErrorResponse,
 * the one class both clients share.
 */
class GeneratedAdminClientTest {
    private static TestServer server;
    private static CheckingProxy main;
    private static CheckingProxy management;
    private static String adminKey;
    private static String apiKey;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"));
        server.createTenant("acme");
        apiKey = server.createApiKey("acme");
        adminKey = server.cliOk("admin-key", "create", "--name", "java-client");
        main = new CheckingProxy(server.http());
        management = new CheckingProxy(server.managementHttp());
    }

    @AfterAll
    static void stop() {
        try {
            main.assertAllConformed();
            management.assertAllConformed();
        } finally {
            management.close();
            main.close();
            server.close();
        }
    }

    /** A generated admin client on {@code proxy} that sends {@code key} as its bearer token. */
    private static ApiClient client(CheckingProxy proxy, String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(proxy.baseUrl());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        return client;
    }

    private static TenantCustomersApi operator() {
        return new TenantCustomersApi(client(management, adminKey));
    }

    /** Runs a call expected to fail, and reads its body as the contract's RestErrorResponse. */
    private static RestErrorResponse error(int status, Executable call) throws Exception {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.getCode(), e::getResponseBody);
        RestErrorResponse error = new ApiClient().getObjectMapper().readValue(e.getResponseBody(), RestErrorResponse.class);
        assertNotNull(error.getMessage(), e::getResponseBody);
        return error;
    }

    private static String etag(ApiResponse<?> response) {
        List<String> values = response.getHeaders().get("etag");
        assertNotNull(values, () -> "an ETag: " + response.getHeaders());
        return values.get(0);
    }

    @Test
    void anAdminKeyCreatesGetsUpdatesListsAndArchivesATenantsCustomer() throws Exception {
        ApiResponse<Customer> created = operator().adminCreateCustomerWithHttpInfo("acme",
                new CustomerCreate().alias("by-java-client").name("Java Client"), "java-admin-create-1");
        assertEquals(201, created.getStatusCode());
        Customer customer = created.getData();
        assertTrue(customer.getId().startsWith("cus_"), customer.getId());
        assertEquals("/admin/v1/tenants/acme/customers/" + customer.getId(),
                created.getHeaders().get("location").get(0));
        assertEquals("by-java-client", customer.getAlias());
        assertFalse(customer.getArchived());

        ApiResponse<Customer> replay = operator().adminCreateCustomerWithHttpInfo("acme",
                new CustomerCreate().alias("by-java-client").name("Java Client"), "java-admin-create-1");
        assertEquals(customer.getId(), replay.getData().getId(), "the Idempotency-Key replays the first answer");
        assertEquals("true", replay.getHeaders().get("idempotent-replayed").get(0));

        ApiResponse<Customer> read = operator().adminGetCustomerWithHttpInfo("acme", "by-java-client");
        assertEquals(customer, read.getData(), "by alias, as created");
        assertEquals(customer, operator().adminGetCustomer("acme", customer.getId()), "by id");

        ApiResponse<Customer> updated = operator().adminUpdateCustomerWithHttpInfo("acme", customer.getId(),
                new CustomerUpdate().email("billing@java.example"), etag(read));
        assertEquals("billing@java.example", updated.getData().getEmail());
        assertFalse(etag(read).equals(etag(updated)), "a new version");
        RestErrorResponse lost = error(412, () -> operator().adminUpdateCustomer("acme", customer.getId(),
                new CustomerUpdate().name("Lost Update"), etag(read)));
        assertEquals(ErrorCode.CONFLICT, lost.getCode(), "a lost update is a conflict with a change made meanwhile");
        assertEquals("Java Client", operator().adminGetCustomer("acme", customer.getId()).getName(),
                "the lost update changed nothing");

        CustomerPage page = operator().adminListCustomers("acme", 10, null, false, "by-java");
        assertEquals(List.of(customer.getId()), page.getData().stream().map(Customer::getId).toList());
        assertFalse(page.getHasMore());

        Customer archived = operator().adminArchiveCustomer("acme", customer.getId(), etag(updated));
        assertTrue(archived.getArchived());
        assertNotNull(archived.getArchivedAt());
        assertEquals(List.of(customer.getId()), operator().adminListCustomers("acme", 10, null, true, "by-java")
                .getData().stream().map(Customer::getId).toList(), "listed among the archived");
        assertEquals(404, server.http().mint(apiKey, customer.getId(), null).status(), "no token for it any more");

        AuditEvent last = new AuditApi(client(management, adminKey)).listAuditEvents(1, null, "acme").getData().get(0);
        assertEquals("customer.archive", last.getAction());
        assertEquals(customer.getId(), last.getTarget());
        assertEquals("admin_key", last.getActor().getKind().getValue());
    }

    @Test
    void errorsAreTheContractsRestErrorResponse() throws Exception {
        assertEquals(ErrorCode.NOT_FOUND, error(404, () -> operator().adminGetCustomer("initech", "anyone")).getCode(),
                "no such tenant");
        assertEquals(ErrorCode.BAD_REQUEST, error(400, () -> operator().adminCreateCustomer("acme",
                new CustomerCreate().alias("has space"), null)).getCode());
        assertEquals(ErrorCode.FORBIDDEN, error(403, () -> new TenantCustomersApi(client(management, apiKey))
                .adminListCustomers("acme", null, null, null, null)).getCode(), "a tenant's key on the operator part");
        assertEquals(ErrorCode.UNAUTHORIZED, error(401, () -> new AuditApi(client(management, "pt_admin_nope/x"))
                .listAuditEvents(null, null, null)).getCode());
    }

    /** The README's two calls, each through a generated client: create with the tenant's key, mint. */
    @Test
    void aTenantsKeyCreatesACustomerAndMintsItsToken() throws Exception {
        Customer created = new CustomersApi(client(main, apiKey)).createCustomer(
                new CustomerCreate().alias("two-calls-java").email("two@java.example"), null);
        assertEquals("two-calls-java", created.getAlias());

        dev.portaltoken.client.ApiClient mintClient = new dev.portaltoken.client.ApiClient();
        mintClient.updateBaseUri(main.baseUrl());
        mintClient.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + apiKey));
        CustomerPortalTokenResponse minted = new dev.portaltoken.client.api.CustomersApi(mintClient)
                .createPortalToken("two-calls-java", null);
        JWTClaimsSet claims = Tokens.verifyWithJwks(server.http(), minted.getToken());
        assertEquals(created.getId(), claims.getSubject());

        assertEquals(created, new CustomersApi(client(main, apiKey)).getCustomer(created.getId()));
        assertEquals(ErrorCode.FORBIDDEN, error(403, () -> new CustomersApi(client(main, adminKey))
                .getCustomer(created.getId())).getCode(), "an admin key is no tenant's key");
    }
}
