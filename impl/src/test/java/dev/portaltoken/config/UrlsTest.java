package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgres://app:S3cret@db/x|postgres://app:***@db/x",
            "jdbc:postgresql://app:S3cret@db:5432/x|jdbc:postgresql://app:***@db:5432/x",
            "jdbc:postgresql://app:p@ss@db/x|jdbc:postgresql://app:***@db/x",
            "jdbc:postgresql://:S3cret@db/x|jdbc:postgresql://:***@db/x",
            "jdbc:postgresql://db/x?user=app&password=S3cret&ssl=true|jdbc:postgresql://db/x?user=app&password=***&ssl=true",
            "jdbc:postgresql://db/x?PASSWORD=S3cret;sslpassword=Other|jdbc:postgresql://db/x?PASSWORD=***;sslpassword=***",
            "cannot reach jdbc:postgresql://u:S3cret@db/x: refused|cannot reach jdbc:postgresql://u:***@db/x: refused",
            "jdbc:postgresql://db:5432/x?user=app|jdbc:postgresql://db:5432/x?user=app",
            "jdbc:postgresql://user@db/x|jdbc:postgresql://user@db/x",
            "https://portal.example.com/a:b@c|https://portal.example.com/a:b@c"})
    void passwordsInUserInfoAndParametersAreMasked(String url, String shown) {
        assertEquals(shown, Urls.withoutPassword(url));
    }
}
