package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.api.model.CustomerPortalTokenRequest;
import dev.portaltoken.errors.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The body rules in isolation (the endpoint test sends the same shapes over HTTP). */
class MintRequestReaderTest {
    private final MintRequestReader reader = new MintRequestReader(Json.mapper(), HttpLimits.DEFAULT.maxBodyBytes());

    private CustomerPortalTokenRequest parse(String body) {
        return reader.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "[{0}] means the default")
    @ValueSource(strings = {"", " \n\t", "null", " null "})
    void noRequest(String body) {
        assertNull(parse(body));
    }

    @ParameterizedTest(name = "[{0}] has no lifetime")
    @ValueSource(strings = {"{}", "{\"expires_in_seconds\": null}", "{\"other\": {\"nested\": true}}"})
    void noLifetime(String body) {
        assertNull(parse(body).getExpiresInSeconds());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"60|60", "2592000|2592000", "1e2|100", "100.000|100", "-0|0",
            "2147483647|2147483647", "-2147483648|-2147483648"})
    void integralNumbers(String value, int expected) {
        assertEquals(expected, parse("{\"expires_in_seconds\": " + value + "}").getExpiresInSeconds());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"expires_in_seconds\": 60.5}|whole number",
            "{\"expires_in_seconds\": 1e-1}|whole number",
            "{\"expires_in_seconds\": 2147483648}|must be between",
            "{\"expires_in_seconds\": 123456789012345678901234567890}|must be between",
            "{\"expires_in_seconds\": \"60\"}|not a string",
            "{\"expires_in_seconds\": false}|not a boolean",
            "{\"expires_in_seconds\": {}}|not an object",
            "[]|not an array",
            "1|not a number",
            "{|not valid JSON (line 1, column 2)",
            "{\"a\": 1,}|not valid JSON",
            "{\"a\": 1} x|not valid JSON",
            "{\"expires_in_seconds\": 60, \"expires_in_seconds\": 61}|not valid JSON",
            "/* comment */ {}|not valid JSON",
            "{\"ignored\": 6e3104901177}|cannot be read",
            "{\"expires_in_seconds\": 1e2147483648}|cannot be read",
            "{\"expires_in_seconds\": 1e-2147483647}|whole number"})
    void refused(String body, String message) {
        ApiException e = refusal(() -> parse(body));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aHugeNumberIsQuotedShort() {
        ApiException e = refusal(() -> parse("{\"expires_in_seconds\": " + "9".repeat(500) + "}"));
        assertTrue(e.getMessage().length() < 150, e.getMessage());
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(400, refusal(() -> reader.parse(body)).status());
    }

    @ParameterizedTest(name = "[{0}] asks for {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"scopes\": [\"read\"]}|[READ]",
            "{\"scopes\": [\"manage\", \"read\", \"manage\"]}|[MANAGE, READ, MANAGE]",
            "{\"scopes\": [\"\\u0072ead\"]}|[READ]",
            "{\"expires_in_seconds\": null, \"scopes\": [\"read\"]}|[READ]",
            "{\"scopes\": []}|[]"})
    void scopesAreReadAsTheContractsNames(String body, String expected) {
        assertEquals(expected, String.valueOf(parse(body).getScopes()).toUpperCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest(name = "[{0}] has no scopes")
    @ValueSource(strings = {"{}", "{\"scopes\": null}", "{\"expires_in_seconds\": 60}"})
    void noScopes(String body) {
        assertNull(parse(body).getScopes());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"scopes\": \"read\"}|scopes must be an array of \"read\" and \"manage\", or null; not a string",
            "{\"scopes\": {\"0\": \"read\"}}|scopes must be an array of \"read\" and \"manage\", or null; not an object",
            "{\"scopes\": true}|not a boolean",
            "{\"scopes\": [\"read\", 1]}|scopes[1] must be \"read\" or \"manage\", not a number",
            "{\"scopes\": [null]}|scopes[0] must be \"read\" or \"manage\", not a null",
            "{\"scopes\": [[\"read\"]]}|scopes[0] must be \"read\" or \"manage\", not an array",
            "{\"scopes\": [\"admin\"]}|scopes[0] must be \"read\" or \"manage\"; got 'admin'",
            "{\"scopes\": [\"read\", \"READ\"]}|scopes[1] must be \"read\" or \"manage\"; got 'READ'",
            "{\"scopes\": [\"read\\u0000\"]}|scopes[0] must be \"read\" or \"manage\"; got a string that is not shown",
            "{\"scopes\": [\"read\"], \"scopes\": [\"manage\"]}|not valid JSON"})
    void badScopesAreRefusedNamingTheProblem(String body, String message) {
        ApiException e = refusal(() -> parse(body));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {"{}|null", "{\"invalidate_existing\": null}|null",
            "{\"invalidate_existing\": true}|true", "{\"invalidate_existing\": false}|false"})
    void invalidateExistingIsABooleanOrNull(String body, String expected) {
        assertEquals(expected, String.valueOf(parse(body).getInvalidateExisting()));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"invalidate_existing\": \"true\"}|invalidate_existing must be true, false or null, not a string",
            "{\"invalidate_existing\": 1}|invalidate_existing must be true, false or null, not a number",
            "{\"invalidate_existing\": [true]}|invalidate_existing must be true, false or null, not an array"})
    void anythingElseAsInvalidateExistingIsRefused(String body, String message) {
        ApiException e = refusal(() -> parse(body));
        assertEquals(400, e.status());
        assertEquals(message, e.getMessage());
    }

    /**
     * What refusing {@code parse} answers: the reader's own 400s, and the domain's rules (a lifetime out
     * of range, no scope) as {@link ErrorMapper} maps their {@code Failure}.
     */
    private static ApiException refusal(org.junit.jupiter.api.function.Executable parse) {
        RuntimeException e = assertThrows(RuntimeException.class, parse);
        if (e instanceof dev.portaltoken.errors.Failure failure) {
            return ErrorMapper.answer(failure);
        }
        assertTrue(e instanceof ApiException, () -> "an error answer, not " + e);
        return (ApiException) e;
    }

    @Test
    void deepLinksAreReadIntoTheRequest() {
        CustomerPortalTokenRequest page = parse("{\"page\": \"subscriptions\", \"subscription\": \"sub_7n42DGM5Tflk9n8mt7Fhc7\"}");
        assertEquals("subscriptions", String.valueOf(page.getPage()));
        assertNull(page.getEmbed());
        assertEquals("sub_7n42DGM5Tflk9n8mt7Fhc7", page.getSubscription());
        CustomerPortalTokenRequest embed = parse("{\"embed\": \"payment-methods\"}");
        assertEquals("payment-methods", String.valueOf(embed.getEmbed()));
        assertNull(embed.getPage());
        assertNull(embed.getSubscription());
    }
}
