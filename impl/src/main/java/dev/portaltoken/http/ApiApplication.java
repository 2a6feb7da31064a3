package dev.portaltoken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeys;
import dev.portaltoken.customer.CustomerImporter;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.idempotency.IdempotencyKeys;
import dev.portaltoken.keys.SigningKeyChanges;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.tenant.Tenants;
import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.meteroid.MeteroidWebhooks;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.ops.ReadinessProbe;
import dev.portaltoken.ratelimit.AuthFailureLimiter;
import dev.portaltoken.ratelimit.ClientAddresses;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.IssuedTokens;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The Jersey application of one port. Its constructor registers the request pipeline in the order a
 * request goes through it, every provider built here with {@code new} (nothing is scanned):
 *
 * <ol>
 *   <li>{@link RequestLogFilter}: no caller yet, request id, start time, matrix parameters refused
 *       (its response half, the last response filter, writes the log line and the metrics sample);</li>
 *   <li>{@link BodySizeFilter}: a declared body over the cap is refused unread;</li>
 *   <li>{@link JsonOnlyFilter}: JSON only, a body without Content-Type is read as JSON;</li>
 *   <li>routing to a resource, then, on the routes that require a key ({@link Authenticated}),
 *       {@link AuthenticationFilter} (API key to caller) and {@link RateLimitFilter} (the key's bucket);
 *       on the webhook route, {@link WebhookSignatureFilter} (the message's signature) instead;</li>
 *   <li>{@link MintRequestReader} (or {@link MeteroidEventReader}) reads the body, the resource answers
 *       ({@link PortalTokenResource}, {@link MeteroidWebhookResource}, {@link JwksResource}, {@link DocumentsResource},
 *       {@link OperationsResource}, the admin API ({@link CustomersResource}, {@link TenantCustomersResource},
 *       {@link TenantsResource}, {@link KeysResource}, {@link AuditResource}, {@link SigningKeysResource}), the
 *       pages {@link HomeResource}, {@link PortalPageResource} and
 *       {@link DocsResource});</li>
 *   <li>on the way out {@link ResponseFilter} (OPTIONS answered 405, caching headers), the
 *       rate-limit headers and the request log line; then Jackson writes the body;</li>
 *   <li>any failure on the way: {@link ErrorMapper}, through the one {@link ErrorRenderer}.</li>
 * </ol>
 */
public final class ApiApplication extends ResourceConfig {
    /** What every port's pipeline shares. */
    public record Pipeline(ObjectMapper json, ErrorRenderer errors, Metrics metrics, HttpLimits limits,
                           Duration jwksMaxAge, ReadinessProbe readiness) {
    }

    /** What the API port serves beyond the operations: the contract's operations, the JWKS, the documents and the pages. */
    public record Api(PortalTokenService tokens, IssuedTokens lifecycle, Supplier<List<JWK>> publishedKeys,
                      ApiKeyAuthenticator authenticator,
                      AuthFailureLimiter authFailures, ClientAddresses clientAddresses, KeyRateLimiter keyLimits,
                      MeteroidWebhooks webhooks) {
    }

    /** Which requests the applications answer from memory alone, to run on their selector thread ({@link FromMemory}). */
    public static Predicate<Request> answeredFromMemory(Api api, Admin admin) {
        return new FromMemory(api.authenticator(), admin.customers(), api.lifecycle());
    }

    /** The admin API's services: customers for tenants' API keys, and the operator part for admin keys. */
    public record Admin(Customers customers, Tenants tenants, ApiKeys keys, AuditTrail audit, IdempotencyKeys idempotency,
                        CustomerImporter importer, SigningKeyChanges signingKeys) {
        /** The admin API on {@code dataSource}'s database, with the server's {@code customers} and signing {@code keys}. */
        public static Admin of(DataSource dataSource, Customers customers, SigningKeys keys) {
            return new Admin(customers, Tenants.of(dataSource), ApiKeys.of(dataSource), new AuditTrail(dataSource),
                    new IdempotencyKeys(dataSource), new CustomerImporter(dataSource),
                    new SigningKeyChanges(dataSource, keys));
        }
    }

    /**
     * @param contract whether this port serves the contract (the main port), {@code api} needed then
     * @param operator whether it serves the admin API's operator part ({@code /admin/v1}), {@code api} needed then
     */
    private ApiApplication(Pipeline pipeline, Api api, Admin admin, boolean contract, boolean operations,
                           boolean operator) {
        register(new RequestLogFilter(pipeline.metrics()));
        register(new BodySizeFilter(pipeline.limits().maxBodyBytes()));
        register(new JsonOnlyFilter());
        if (contract || operator) {
            register(new AuthenticationFilter(api.authenticator(), api.authFailures(), api.clientAddresses(),
                    pipeline.metrics()));
            register(new RateLimitFilter(api.keyLimits(), pipeline.metrics()));
            register(new ImportBody.BodyReader(HttpLimits.MAX_IMPORT_BYTES));
        }
        Answers answers = new Answers(admin.idempotency(), pipeline.json());
        CustomerOperations customers = new CustomerOperations(admin.customers(), admin.importer(), answers);
        if (contract) {
            register(new WebhookSignatureFilter(api.webhooks(), pipeline.limits().maxBodyBytes()));
            register(new MintRequestReader(pipeline.json(), pipeline.limits().maxBodyBytes()));
            register(new TokenRequestReader(pipeline.json(), pipeline.limits().maxBodyBytes()));
            register(new MeteroidEventReader(pipeline.json(), pipeline.limits().maxBodyBytes()));
            registerResources(ContractResources.authenticated(new PortalTokenResource(api.tokens())),
                    ContractResources.authenticated(new PortalTokensResource(api.lifecycle())),
                    ContractResources.authenticatedFromRoot(new CustomersResource(customers)),
                    ContractResources.signedWebhook(new MeteroidWebhookResource(api.webhooks(), pipeline.json())),
                    ContractResources.of(new JwksResource(api.publishedKeys())),
                    ContractResources.of(new DocumentsResource(ContractDocuments.fromClasspath())),
                    ContractResources.of(new HomeResource()),
                    ContractResources.of(new PortalPageResource()),
                    ContractResources.of(new DocsResource()));
        }
        if (operator) {
            registerResources(ContractResources.authenticated(new TenantCustomersResource(customers, admin.tenants())),
                    ContractResources.authenticated(new AuditResource(admin.audit(), admin.tenants())),
                    ContractResources.authenticated(new TenantsResource(admin.tenants(), answers)),
                    ContractResources.authenticated(new KeysResource(admin.keys(), admin.tenants(), answers)),
                    ContractResources.authenticated(new SigningKeysResource(admin.signingKeys(), answers)));
        }
        if (operations) {
            registerResources(ContractResources.of(new OperationsResource(pipeline.readiness(), pipeline.metrics())));
        }
        register(new ResponseFilter(pipeline.errors(), pipeline.jwksMaxAge().toSeconds()));
        register(new JacksonJsonProvider(pipeline.json()));
        register(new ErrorMapper(pipeline.errors()));
        property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // A Location (the admin API's 201) stays as the resource wrote it, relative: an answer replayed
        // for an Idempotency-Key by another instance must not name the first one's address.
        property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);
        // Answers are well under 1 KiB: a 2 KiB buffer (not 8) still gives them a Content-Length.
        property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 2048);
    }

    /**
     * The API port: the contract, the JWKS and the OpenAPI documents, and the operations too unless a
     * management port has them.
     */
    public static ApiApplication api(Pipeline pipeline, Api api, Admin admin, boolean withOperations,
                                     boolean withOperator) {
        return new ApiApplication(pipeline, api, admin, true, withOperations, withOperator);
    }

    /** The management port: /healthz, /readyz and /metrics, and the admin API's operator part when {@code withOperator}. */
    public static ApiApplication management(Pipeline pipeline, Api api, Admin admin, boolean withOperator) {
        return new ApiApplication(pipeline, api, admin, false, true, withOperator);
    }
}
