package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.crypto.SignerProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each parser's value for good text, its refusal of bad text, and its rule as users read it. */
class ParserTest {
    private static <T> T parse(Parser<T> parser, String raw) {
        return parser.parse().apply(raw);
    }

    private static Parser.Rejected refused(Parser<?> parser, String raw) {
        return assertThrows(Parser.Rejected.class, () -> parse(parser, raw), raw);
    }

    @Test
    void textIsTrimmed() {
        assertEquals("acme", parse(Parser.text(), "  acme \t"));
        assertEquals("", Parser.text().rule());
    }

    @Test
    void wholeNumbersWithinTheirBounds() {
        Parser<Integer> port = Parser.integer(1, 65535);
        assertEquals(1, parse(port, "1"));
        assertEquals(65535, parse(port, " 65535 "));
        refused(port, "0");
        refused(port, "65536");
        refused(port, "80.5");
        refused(port, "http");
        assertEquals("a whole number from 1 to 65535", port.rule());
    }

    @Test
    void secondsBecomeDurations() {
        Parser<Duration> drain = Parser.seconds(0, 120);
        assertEquals(Duration.ofSeconds(120), parse(drain, "120"));
        assertEquals(Duration.ZERO, parse(drain, "0"));
        refused(drain, "121");
        refused(drain, "-1");
        assertEquals("a whole number of seconds from 0 to 120", drain.rule());
    }

    @Test
    void oneOfNamedChoicesIgnoringCase() {
        Map<String, Integer> choices = new LinkedHashMap<>();
        choices.put("low", 1);
        choices.put("mid", 2);
        choices.put("high", 3);
        Parser<Integer> level = Parser.oneOf(choices);
        assertEquals(2, parse(level, " MID "));
        assertEquals(3, parse(level, "high"));
        refused(level, "highest");
        assertEquals("low, mid or high", level.rule());
        assertEquals("only", Parser.oneOf(Map.of("only", 1)).rule());
    }

    @Test
    void signersByTheirConfiguredNames() {
        assertEquals(SignerProvider.AWS_LC, parse(Parser.signer(), "AWS-LC"));
        assertEquals(SignerProvider.BOUNCYCASTLE, parse(Parser.signer(), "bouncycastle"));
        assertEquals(SignerProvider.JDK, parse(Parser.signer(), "jdk"));
        refused(Parser.signer(), "aws_lc");
        assertEquals("aws-lc, bouncycastle or jdk", Parser.signer().rule());
    }

    @Test
    void httpUrlsOnlyAbsoluteWithAHost() {
        assertEquals(URI.create("https://portal.example.com/p"), parse(Parser.httpUrl(), " https://portal.example.com/p "));
        assertEquals(URI.create("http://127.0.0.1:8080"), parse(Parser.httpUrl(), "http://127.0.0.1:8080"));
        for (String bad : List.of("ftp://example.com", "/relative", "https:///nohost", "javascript:alert(1)", "http://a b")) {
            refused(Parser.httpUrl(), bad);
        }
    }

    @Test
    void databaseUrlsOfBothForms() {
        DatabaseUrl jdbc = parse(Parser.databaseUrl(), "jdbc:postgresql://db:5432/portal");
        assertEquals("jdbc:postgresql://db:5432/portal", jdbc.jdbcUrl());
        DatabaseUrl url = parse(Parser.databaseUrl(), "postgres://app:pw@db:5433/portal");
        assertTrue(url.jdbcUrl().startsWith("jdbc:postgresql://db:5433/portal"), url.jdbcUrl());
        assertEquals(Optional.of("app"), url.user());
        assertEquals(Optional.of(new Secret("pw")), url.password());
        refused(Parser.databaseUrl(), "mysql://db/portal");
    }

    @Test
    void paths() {
        assertEquals(Path.of("/var/lib/portal"), parse(Parser.path(), " /var/lib/portal "));
        refused(Parser.path(), "bad\0path");
    }

    @Test
    void addressBlocksCommaSeparatedNamingTheBadOne() {
        List<Cidr> blocks = parse(Parser.cidrs(), "10.0.0.0/8, ,::1");
        assertEquals(2, blocks.size());
        assertTrue(blocks.get(0).contains("10.200.3.4"));
        assertTrue(blocks.get(1).contains("::1"));
        assertEquals(List.of(), parse(Parser.cidrs(), " , "));
        assertEquals(Optional.of("10.0.0.0/33"), refused(Parser.cidrs(), "192.168.0.1,10.0.0.0/33").shown());
        assertEquals(Optional.of("gateway.local"), refused(Parser.cidrs(), "gateway.local").shown());
    }

    @Test
    void secretsOfAMinimumLengthInBytes() {
        Parser<Secret> secret = Parser.secretText(32);
        String thirtyTwo = "é".repeat(16); // 32 bytes in 16 characters
        assertEquals(new Secret(thirtyTwo), parse(secret, thirtyTwo));
        assertEquals(thirtyTwo, parse(secret, thirtyTwo).reveal());
        refused(secret, "é".repeat(15) + "a");
        assertEquals("at least 32 bytes long", secret.rule());
        assertEquals("", Parser.secretText(0).rule());
        assertEquals("", parse(Parser.secretText(0), "").reveal());
    }

    @Test
    void base64KeysOfExactlyTheirLength() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Parser<Secret> kek = Parser.base64Key(32);
        assertArrayEquals(key, parse(kek, " " + Base64.getEncoder().encodeToString(key) + "\n").bytes());
        refused(kek, Base64.getEncoder().encodeToString(new byte[31]));
        refused(kek, Base64.getEncoder().encodeToString(new byte[33]));
        refused(kek, "not base64!");
        assertEquals("a base64-encoded 256-bit key, as 'openssl rand -base64 32' prints", kek.rule());
    }
}
