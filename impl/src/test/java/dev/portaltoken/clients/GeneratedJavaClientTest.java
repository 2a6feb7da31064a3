package dev.portaltoken.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.client.ApiClient;
import dev.portaltoken.client.ApiException;
import dev.portaltoken.client.api.CustomersApi;
import dev.portaltoken.client.model.CustomerPortalTokenRequest;
import dev.portaltoken.client.model.CustomerPortalTokenResponse;
import dev.portaltoken.client.model.ErrorCode;
import dev.portaltoken.client.model.RestErrorResponse;
import dev.portaltoken.support.CheckingProxy;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.client.model.TokenScope;
import dev.portaltoken.support.TestJvm;
import dev.portaltoken.support.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java client generated from the served contract (module clients/java), used the way a
 * customer's backend would use it, against the real server: the contract exercised from both ends.
 * The client talks to the server through a {@link CheckingProxy}, which keeps each request as the
 * client sent it and checks each answer against the OpenAPI documents. Tokens are verified through
 * the served JWKS; errors are read as the generated RestErrorResponse.
 */
class GeneratedJavaClientTest {
    private static final String PORTAL_URL = "https://portal.test.example";
    private static final String AUDIENCE = "customer-portal";
    private static final String MINT = "/api/v1/customers/%s/portal-token";

    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), "acme-42").tenant("globex");
    private static CheckingProxy proxy;
    private static String key;
    private static String customer;
    private static String otherTenantsCustomer;
    private static String archivedCustomer;

    @BeforeAll
    static void start() {
        proxy = new CheckingProxy(acme.http());
        key = acme.key();
        customer = acme.customer();
        otherTenantsCustomer = acme.server().createCustomer("globex", "globex-7");
        archivedCustomer = acme.server().createCustomer("acme", "gone");
        acme.server().cliOk("customer", "archive", "--tenant", "acme", archivedCustomer);
    }

    @AfterAll
    static void stop() {
        try {
            proxy.assertAllConformed();
        } finally {
            proxy.close();
        }
    }

    /** What the client sent last: method, path, Content-Type and body. */
    private static CheckingProxy.Exchange sent(String path, String body) {
        CheckingProxy.Exchange last = proxy.last();
        assertEquals("POST", last.method());
        assertEquals(path, last.target());
        assertEquals("application/json", last.headers().get("content-type"), last::toString);
        assertEquals(body, last.bodyText(), "the body the client sent");
        return last;
    }

    /** A generated client that sends {@code apiKey} (none when null) as its bearer token. */
    private static ApiClient client(String apiKey) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(proxy.baseUrl());
        if (apiKey != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + apiKey));
        }
        return client;
    }

    private static CustomersApi customers(String apiKey) {
        return new CustomersApi(client(apiKey));
    }

    /** Checks a minted response and its token (through the JWKS) and returns the token's lifetime. */
    private static long verified(CustomerPortalTokenResponse minted) throws Exception {
        assertEquals(PORTAL_URL, minted.getPortalUrl());
        assertNotNull(minted.getToken(), "token");
        JWTClaimsSet claims = Tokens.verifyWithJwks(acme.http(), minted.getToken());
        assertEquals(customer, claims.getSubject());
        assertEquals(List.of(AUDIENCE), claims.getAudience());
        assertEquals(claims.getExpirationTime().toInstant(), minted.getExpiresAt().toInstant());
        return Tokens.lifetimeSeconds(claims);
    }

    /** Calls the generated API expecting an error, and reads it as the contract's RestErrorResponse. */
    private static RestErrorResponse error(int status, CustomersApi api, String idOrAlias,
            CustomerPortalTokenRequest body) throws IOException {
        ApiException e = assertThrows(ApiException.class, () -> api.createPortalToken(idOrAlias, body));
        assertEquals(status, e.getCode(), e::getResponseBody);
        assertTrue(e.getResponseHeaders().firstValue("Content-Type").orElse("").startsWith("application/json"));
        RestErrorResponse error = client(null).getObjectMapper().readValue(e.getResponseBody(), RestErrorResponse.class);
        assertNotNull(error.getCode(), e::getResponseBody);
        assertNotNull(error.getMessage(), e::getResponseBody);
        return error;
    }

    @Test
    void aNullBodyIsTheContractsNullAndGetsTheDefaultLifetime() throws Exception {
        long lifetime = verified(customers(key).createPortalToken(customer, null));
        sent(MINT.formatted(customer), "null");
        assertEquals(86_400, lifetime);
    }

    @Test
    void anEmptyRequestIsAnEmptyObjectAndGetsTheDefaultLifetime() throws Exception {
        long lifetime = verified(customers(key).createPortalToken(customer, new CustomerPortalTokenRequest()));
        sent(MINT.formatted(customer), "{}");
        assertEquals(86_400, lifetime);
    }

    @Test
    void anExplicitLifetimeIsKeptAndAnAliasAddressesTheCustomer() throws Exception {
        CustomerPortalTokenResponse minted = customers(key)
                .createPortalToken("acme-42", new CustomerPortalTokenRequest().expiresInSeconds(3600));
        CheckingProxy.Exchange exchange = sent(MINT.formatted("acme-42"), "{\"expires_in_seconds\":3600}");
        assertEquals("Bearer " + key, exchange.headers().get("authorization"), "the key, as the interceptor adds it");
        assertEquals(3600, verified(minted));
    }

    /** Issue 26's deep links are typed in the generated client and go on portal_link. */
    @Test
    void aDeepLinkIsTypedInTheClient() throws Exception {
        String sub = "sub_7n42DGM5Tflk9n8mt7Fhc7";
        CustomerPortalTokenResponse minted = customers(key).createPortalToken(customer,
                new CustomerPortalTokenRequest().embed(dev.portaltoken.client.model.PortalEmbedView.SUBSCRIPTION)
                        .subscription(sub));
        sent(MINT.formatted(customer), "{\"embed\":\"subscription\",\"subscription\":\"" + sub + "\"}");
        assertEquals(PORTAL_URL + "/portal/customer?token=" + minted.getToken() + "&embed=subscription&subscription=" + sub,
                minted.getPortalLink());
        RestErrorResponse error = error(400, customers(key), customer,
                new CustomerPortalTokenRequest().page(dev.portaltoken.client.model.PortalPage.USAGE).subscription(sub));
        assertEquals("subscription is shown on page subscriptions, not on page usage", error.getMessage());
    }

    /** The fields of upstream's newest contract: a read-only token, and expires_at as a date-time. */
    @Test
    void aReadOnlyTokenWithItsExpiryAsADateTime() throws Exception {
        CustomerPortalTokenResponse minted = customers(key).createPortalToken(customer,
                new CustomerPortalTokenRequest().scopes(List.of(TokenScope.READ)).expiresInSeconds(3600));
        assertEquals(3600, verified(minted));
        JWTClaimsSet claims = Tokens.verifyWithJwks(acme.http(), minted.getToken());
        assertEquals("read", claims.getStringClaim("scope"));
        OffsetDateTime expiresAt = minted.getExpiresAt();
        assertEquals(ZoneOffset.UTC, expiresAt.getOffset());
        assertEquals(claims.getExpirationTime().toInstant(), expiresAt.toInstant());
        assertEquals(PORTAL_URL + "/portal/customer?token=" + minted.getToken(), minted.getPortalLink());
        assertEquals(acme.server().server().baseUri().toString().replaceAll("/$", ""), minted.getApiUrl(),
                "the server's own URL, not the proxy's");
    }

    @Test
    void anEmptyScopeListIsATyped400() throws Exception {
        RestErrorResponse error = error(400, customers(key), customer, new CustomerPortalTokenRequest().scopes(List.of()));
        assertEquals(ErrorCode.BAD_REQUEST, error.getCode());
        assertTrue(error.getMessage().startsWith("scopes must not be empty"), error.getMessage());
    }

    @ParameterizedTest(name = "expires_in_seconds {0} is a typed 400")
    @ValueSource(ints = {0, 59, 2_592_001})
    void anOutOfRangeLifetimeIsATyped400(int seconds) throws Exception {
        RestErrorResponse error = error(400, customers(key), customer,
                new CustomerPortalTokenRequest().expiresInSeconds(seconds));
        sent(MINT.formatted(customer), "{\"expires_in_seconds\":" + seconds + "}");
        assertEquals(ErrorCode.BAD_REQUEST, error.getCode());
        assertTrue(error.getMessage().contains("between 60 and 2592000"), error.getMessage());
    }

    @Test
    void noKeyOrAWrongKeyIsATyped401() throws Exception {
        for (String apiKey : new String[] {null, "pt_live_wrong/nope", key + "x"}) {
            RestErrorResponse error = error(401, customers(apiKey), customer, null);
            assertEquals(ErrorCode.UNAUTHORIZED, error.getCode());
            assertEquals(apiKey == null ? null : "Bearer " + apiKey, sent(MINT.formatted(customer), "null").headers()
                    .get("authorization"), "the credential as the client sent it");
        }
    }

    @Test
    void unknownArchivedAndOtherTenantsCustomersAreTyped404s() throws Exception {
        for (String idOrAlias : new String[] {"no-such-alias", archivedCustomer, otherTenantsCustomer, "globex-7"}) {
            RestErrorResponse error = error(404, customers(key), idOrAlias, new CustomerPortalTokenRequest());
            sent(MINT.formatted(idOrAlias), "{}");
            assertEquals(ErrorCode.NOT_FOUND, error.getCode());
            assertTrue(error.getMessage().contains("customer not found"), error.getMessage());
        }
    }

    /**
     * Runs the committed example (examples/java/MintPortalLink.java, compiled with these tests) as
     * its README says: a separate JVM, the key in PORTAL_API_KEY. Its output, a link with a token, is
     * checked and never printed.
     */
    @Test
    void theCommittedExampleMintsAWorkingPortalLink() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(TestJvm.command("MintPortalLink", proxy.baseUrl(), "acme-42"));
        builder.environment().put("PORTAL_API_KEY", key);
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "example timed out");
        assertEquals(0, process.exitValue(), () -> "example failed:\n" + err.join());

        sent(MINT.formatted("acme-42"), "{\"expires_in_seconds\":3600}");
        String link = out.join().strip();
        String prefix = PORTAL_URL + "/portal/customer?token=";
        assertTrue(link.startsWith(prefix), "the example prints the portal link");
        String token = link.substring(prefix.length());
        JWTClaimsSet claims = Tokens.verifyWithJwks(acme.http(), token);
        assertEquals(customer, claims.getSubject());
        assertEquals(3600, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
    }

    @Test
    void theReadmeShowsTheExampleAsCommitted() throws IOException {
        String example = Files.readString(Path.of("..", "examples", "java", "MintPortalLink.java"));
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md must show examples/java/MintPortalLink.java exactly as committed");
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
