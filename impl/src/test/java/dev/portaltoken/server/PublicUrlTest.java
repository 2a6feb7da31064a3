package dev.portaltoken.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PUBLIC_URL, or else the bound address; never a trailing slash. */
class PublicUrlTest {
    @ParameterizedTest(name = "PUBLIC_URL {0}, bound {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "unset", value = {
            "unset|http://localhost:41234/|http://localhost:41234",
            "unset|http://127.0.0.1:8080/|http://127.0.0.1:8080",
            "unset|http://[::1]:8080/|http://[::1]:8080",
            "https://api.example.com|http://localhost:8080/|https://api.example.com",
            "https://api.example.com/|http://localhost:8080/|https://api.example.com",
            "https://example.com/billing/api//|http://localhost:8080/|https://example.com/billing/api",
            "http://10.0.0.5:9000|http://localhost:8080/|http://10.0.0.5:9000"})
    void configuredElseBoundWithoutTrailingSlash(String configured, String bound, String expected) {
        assertEquals(expected, PublicUrl.of(Optional.ofNullable(configured).map(URI::create), URI.create(bound)).toString());
    }
}
