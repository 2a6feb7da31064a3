package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portaltoken.errors.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which deep links upstream's portal can open; each refusal names what is wrong (the HTTP side is DeepLinkTest's). */
class PortalViewTest {
    private static final String SUB = "sub_7n42DGM5Tflk9n8mt7Fhc7";

    private static String nul(String value) {
        return value.isEmpty() ? null : value;
    }

    @ParameterizedTest(name = "page={0} embed={1} subscription={2}")
    @CsvSource(value = {"'', '', ''", "overview, '', ''", "invoices, '', ''", "subscriptions, '', " + SUB,
            "'', portal, ''", "'', payment-methods, ''", "'', subscription, " + SUB, "'', '', " + SUB})
    void opensWhatUpstreamsPortalShows(String page, String embed, String subscription) {
        PortalView view = new PortalView(nul(page), nul(embed), nul(subscription));
        assertEquals(nul(page), view.page());
        assertEquals(nul(embed), view.embed());
        assertEquals(nul(subscription), view.subscription());
    }

    @ParameterizedTest(name = "page={0} embed={1} subscription={2}")
    @CsvSource(value = {
            "home, '', '', page must be one of",
            "Invoices, '', '', page must be one of",
            "'', checkout, '', embed must be one of",
            "invoices, invoices, '', embed cannot be given with page",
            "'', '', sub_, subscription must be a Meteroid subscription id",
            "'', '', sub_7n42DGM5Tflk9n8mt7Fhc8, subscription must be a Meteroid subscription id",
            "'', '', sub_not-base62!, subscription must be a Meteroid subscription id",
            "invoices, '', " + SUB + ", subscription is shown on page subscriptions, not on page invoices",
            "'', plan, " + SUB + ", subscription is shown by embed subscription, not by embed plan",
            "'', subscription, '', subscription is required by embed subscription"})
    void refusesWhatItCannotOpenNamingTheField(String page, String embed, String subscription, String message) {
        Failure failure = assertThrows(Failure.class, () -> new PortalView(nul(page), nul(embed), nul(subscription)));
        assertEquals(Failure.Kind.INVALID, failure.kind());
        assertEquals(true, failure.getMessage().startsWith(message), failure.getMessage());
    }
}
