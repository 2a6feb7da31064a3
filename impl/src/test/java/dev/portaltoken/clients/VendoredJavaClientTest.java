package dev.portaltoken.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import dev.portaltoken.vendored.client.ApiClient;
import dev.portaltoken.vendored.client.ApiException;
import dev.portaltoken.vendored.client.api.CustomersApi;
import dev.portaltoken.vendored.client.model.CustomerPortalTokenRequest;
import dev.portaltoken.vendored.client.model.CustomerPortalTokenResponse;
import dev.portaltoken.vendored.client.model.ErrorCode;
import dev.portaltoken.vendored.client.model.RestErrorResponse;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Old clients do not break: a Java client generated from Meteroid's contract alone, as vendored
 * (before our additions; impl/pom.xml generates it into the test sources), against today's server.
 */
class VendoredJavaClientTest {
    private static TestServer server;
    private static CustomersApi customers;
    private static String customer;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        server.createTenant("acme");
        String key = server.createApiKey("acme");
        customer = server.createCustomer("acme", "old-client");
        ApiClient client = new ApiClient();
        client.updateBaseUri(server.server().baseUri().toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        customers = new CustomersApi(client);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theOldModelKnowsTwoFieldsAndNoScopes() {
        assertEquals(2, CustomerPortalTokenResponse.class.getDeclaredFields().length
                - (int) Arrays.stream(CustomerPortalTokenResponse.class.getDeclaredFields())
                        .filter(f -> java.lang.reflect.Modifier.isStatic(f.getModifiers())).count(),
                "generated from the vendored contract: token and portal_url only");
        assertTrue(Arrays.stream(CustomerPortalTokenRequest.class.getMethods()).noneMatch(m -> m.getName().contains("Scope")));
    }

    @Test
    void itReadsTheFiveFieldResponseAndGetsATokenWithBothScopes() throws Exception {
        for (CustomerPortalTokenRequest body : new CustomerPortalTokenRequest[] {null, new CustomerPortalTokenRequest(),
                new CustomerPortalTokenRequest().expiresInSeconds(3600)}) {
            CustomerPortalTokenResponse minted = customers.createPortalToken("old-client", body);
            assertEquals("https://portal.test.example", minted.getPortalUrl());
            JWTClaimsSet claims = Tokens.verifyWithJwks(server.http(), minted.getToken());
            assertEquals(customer, claims.getSubject());
            assertEquals("read manage", claims.getStringClaim("scope"), "old clients get what they always got: both");
            assertEquals(body != null && body.getExpiresInSeconds() != null ? 3600 : 86_400,
                    (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
        }
    }

    @Test
    void itsErrorsAreStillTheContractsRestErrorResponse() throws Exception {
        ApiException e = assertThrows(ApiException.class,
                () -> customers.createPortalToken(customer, new CustomerPortalTokenRequest().expiresInSeconds(59)));
        assertEquals(400, e.getCode());
        RestErrorResponse error = new ApiClient().getObjectMapper().readValue(e.getResponseBody(), RestErrorResponse.class);
        assertEquals(ErrorCode.BAD_REQUEST, error.getCode());
        ApiException missing = assertThrows(ApiException.class, () -> customers.createPortalToken("no-such-alias", null));
        assertEquals(404, missing.getCode());
    }
}
