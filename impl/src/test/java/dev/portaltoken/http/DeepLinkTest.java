package dev.portaltoken.http;

import static dev.portaltoken.support.Replies.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Prometheus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Deep links on the mint (issue 26): {@code page}, {@code embed} and {@code subscription} go on
 * {@code portal_link} beside the token exactly as upstream Meteroid's portal reads them; anything
 * else is a 400 naming the field, and mints nothing.
 */
class DeepLinkTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("PORTAL_URL", "https://billing.acme.example/"), null);
    private static final String SUB = "sub_7n42DGM5Tflk9n8mt7Fhc7";

    private static String link(String body) {
        Http.Reply reply = acme.http().mint(acme.key(), acme.customer(), body);
        assertEquals(200, reply.status(), reply::toString);
        String token = reply.json().get("token").asText();
        String prefix = "https://billing.acme.example/portal/customer?token=" + token;
        String link = reply.json().get("portal_link").asText();
        assertEquals(prefix, link.substring(0, Math.min(link.length(), prefix.length())), "the token comes first");
        return link.substring(prefix.length());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}|''",
        "{\"page\": null, \"embed\": null, \"subscription\": null}|''",
        "{\"page\": \"overview\"}|&page=overview",
        "{\"page\": \"subscriptions\"}|&page=subscriptions",
        "{\"page\": \"usage\"}|&page=usage",
        "{\"page\": \"invoices\"}|&page=invoices",
        "{\"page\": \"settings\"}|&page=settings",
        "{\"subscription\": \"" + SUB + "\"}|&page=subscriptions&sub=" + SUB,
        "{\"page\": \"subscriptions\", \"subscription\": \"" + SUB + "\"}|&page=subscriptions&sub=" + SUB,
        "{\"embed\": \"portal\"}|&embed=portal",
        "{\"embed\": \"plan\"}|&embed=plan",
        "{\"embed\": \"subscriptions\"}|&embed=subscriptions",
        "{\"embed\": \"usage\"}|&embed=usage",
        "{\"embed\": \"invoices\"}|&embed=invoices",
        "{\"embed\": \"payment-methods\", \"expires_in_seconds\": 600}|&embed=payment-methods",
        "{\"embed\": \"subscription\", \"subscription\": \"" + SUB + "\"}|&embed=subscription&subscription=" + SUB,
    })
    void eachViewUpstreamsPortalKnowsGoesOnTheLink(String body, String query) {
        assertEquals(query, link(body));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"page\": \"billing\"}|page must be one of overview, subscriptions, usage, invoices, settings, or null; got 'billing'",
        "{\"page\": \"portal\"}|page must be one of",
        "{\"page\": \"Invoices\"}|page must be one of",
        "{\"page\": 3}|page must be a string or null, not a number",
        "{\"embed\": \"payment_methods\"}|embed must be one of portal, plan, subscriptions, subscription, usage, invoices, payment-methods",
        "{\"embed\": [\"plan\"]}|embed must be a string or null, not an array",
        "{\"embed\": \"subscription\"}|subscription is required by embed subscription",
        "{\"page\": \"invoices\", \"embed\": \"invoices\"}|embed cannot be given with page",
        "{\"subscription\": \"cus_7n42DGM5Tflk9n8mt7Fhc7\"}|subscription must be a Meteroid subscription id",
        "{\"subscription\": \"sub_\"}|subscription must be a Meteroid subscription id",
        "{\"subscription\": \"sub_7n42DGM5Tflk9n8mt7Fhc8\"}|subscription must be a Meteroid subscription id",
        "{\"subscription\": \"sub_a&page=x\"}|subscription must be a Meteroid subscription id",
        "{\"subscription\": true}|subscription must be a Meteroid subscription id (sub_...) or null, not a boolean",
        "{\"page\": \"usage\", \"subscription\": \"" + SUB + "\"}|subscription is shown on page subscriptions, not on page usage",
        "{\"embed\": \"plan\", \"subscription\": \"" + SUB + "\"}|subscription is shown by embed subscription, not by embed plan",
    })
    void anythingElseIsA400NamingTheFieldThatMintsNothing(String body, String message) {
        double before = Prometheus.present(acme.server().managementHttp(), "portal_tokens_minted_total");
        assertError(acme.http().mint(acme.key(), acme.customer(), body), 400, "BAD_REQUEST", message);
        assertEquals(before, Prometheus.present(acme.server().managementHttp(), "portal_tokens_minted_total"));
    }

    @Test
    void theDefaultLinkIsUnchanged() {
        assertEquals("", link(null));
    }
}
