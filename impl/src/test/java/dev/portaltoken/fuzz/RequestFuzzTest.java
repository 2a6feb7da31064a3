package dev.portaltoken.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Property;
import dev.portaltoken.support.Property.Shrinkable;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Tokens;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property-based fuzzing of the running server through real HTTP: arbitrary bodies, path values,
 * headers and methods. Every answer must be below 500 and either a token that verifies through the
 * JWKS or the contract's {@code RestErrorResponse} (HEAD: no body); {@link Http} checks each against
 * the OpenAPI documents as well. Where the outcome is knowable (a known customer, a valid body) it
 * is asserted exactly. After each property the server must still be healthy and mint.
 *
 * <p>Tries per property are modest for a 2-core CI box; {@code -Dfuzz.tries=N} and
 * {@code -Dfuzz.seed=S} scale or replay a run. 429 is accepted wherever the contract declares it,
 * so a rate limit cannot make a property fail, but each property also asserts it saw the outcomes
 * it is meant to explore, so a limit that answered everything would not pass unnoticed.
 */
class RequestFuzzTest {
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";

    @RegisterExtension
    static final ServerFixture fuzzed = ServerFixture.server(Map.of());
    /** The ids and keys of this run, made from its seed (a replay sends the same bytes). */
    private static final FuzzFixture FX = FuzzFixture.of(Property.seed());
    private static Http http;
    private static Map<String, String> acmeCustomers;
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        http = fuzzed.http();
        FX.insert(fuzzed.server());
        acmeCustomers = Map.of(FX.acmeId(), FX.acmeId(), "fuzz-alias", FX.acmeId(), FX.acmeSharedId(), FX.acmeSharedId(),
                "shared", FX.acmeSharedId());
    }

    /** After every property: alive, healthy, and a normal mint still works. */
    @AfterEach
    void theServerStillServes() throws Exception {
        assertEquals(200, fuzzed.server().managementHttp().get("/healthz").status());
        Http.Reply mint = http.mint(FX.acmeKey().presented(), FX.acmeId(), "{\"expires_in_seconds\": 600}");
        assertEquals(200, mint.status(), mint::toString);
        assertEquals(FX.acmeId(), Tokens.verifyWithJwks(http, mint.json().get("token").asText()).getSubject());
    }

    // ---------------------------------------------------------------- replay

    /** Every request the first {@code n} cases of each property send with {@code seed}, as text. */
    private static List<String> requests(long seed, int n) {
        FuzzFixture f = FuzzFixture.of(seed);
        List<String> requests = new ArrayList<>();
        Property.cases(seed, "bodies", n, RequestFuzzTest::bodyCase)
                .forEach(c -> requests.add(bodyRequest(f, c).toString()));
        Property.cases(seed, "id_or_alias", n, r -> pathCase(f, r))
                .forEach(c -> requests.add(latin1(pathRequest(f, c))));
        Property.cases(seed, "headers", n, RequestFuzzTest::headerCase)
                .forEach(c -> requests.add(latin1(headerRequest(f, c))));
        Property.cases(seed, "methods", n, r -> methodCase(f, r))
                .forEach(c -> requests.add(latin1(methodRequest(f, c))));
        return requests;
    }

    @Test
    void aReplayedSeedSendsTheSameRequestsWithTheSameIdsAndKeys() {
        long seed = Property.seed();
        assertEquals(FX, FuzzFixture.of(seed), "this run's ids and keys are its seed's");
        assertNotEquals(FX, FuzzFixture.of(seed + 1));
        List<String> first = requests(seed, 40);
        assertEquals(first, requests(seed, 40), "the same seed, byte for byte the same requests");
        assertNotEquals(first, requests(seed + 1, 40), "another seed, other requests");
        assertTrue(first.stream().anyMatch(r -> r.contains(FX.acmeKey().presented())), "the requests carry the key");
        assertTrue(first.stream().anyMatch(r -> r.contains(FX.acmeId())), "and the customer ids");
    }

    // ---------------------------------------------------------------- bodies

    private record BodyCase(String kind, byte[] body, String contentType) implements Shrinkable<BodyCase> {
        @Override
        public Stream<BodyCase> shrink() {
            Stream<BodyCase> types = contentType == null ? Stream.empty() : Stream.of(new BodyCase(kind, body, null));
            Stream<BodyCase> bodies = body == null ? Stream.empty()
                    : Property.shrinkString(new String(body, StandardCharsets.ISO_8859_1))
                    .map(s -> new BodyCase(kind, s.getBytes(StandardCharsets.ISO_8859_1), contentType));
            return Stream.concat(types, bodies);
        }

        @Override
        public String toString() {
            return kind + ": Content-Type " + (contentType == null ? "<none>" : "'" + contentType + "'") + ", body "
                    + (body == null ? "<none>" : body.length + " bytes " + printable(body, 160));
        }
    }

    @Test
    void arbitraryBodiesAreAnsweredWithATokenOrA400() {
        Property.forAll("bodies", 400, RequestFuzzTest::bodyCase, c -> {
            BodyRequest request = bodyRequest(FX, c);
            Http.Reply reply = http.send("POST", request.path(), request.headers(), c.body());
            count(reply);
            JWTClaimsSet claims = assertSound("POST", true, reply);
            if (reply.status() == 429) {
                return;
            }
            Optional<Minted> expected = expectedToken(c);
            if (expected == null) {
                assertTrue(reply.status() == 200 || reply.status() == 400, reply::toString);
            } else if (expected.isEmpty()) {
                assertEquals(400, reply.status(), () -> "expected a 400: " + reply);
                assertEquals("BAD_REQUEST", reply.json().get("code").asText());
            } else {
                assertEquals(200, reply.status(), () -> "expected " + expected.get() + ": " + reply);
                assertEquals(FX.acmeId(), claims.getSubject());
                assertEquals(expected.get().lifetime(),
                        (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
                assertEquals(expected.get().scope(), claims.getClaim("scope"));
            }
        });
        assertExplored(200, 400);
    }

    // ---------------------------------------------------------------- the token lifecycle's bodies

    /** A request to introspect or revoke: its body and Content-Type, and whether it carries the valid token. */
    private record TokenCase(String kind, String body, String contentType) implements Shrinkable<TokenCase> {
        @Override
        public Stream<TokenCase> shrink() {
            return Property.shrinkString(body).map(b -> new TokenCase(kind, b, contentType));
        }

        @Override
        public String toString() {
            return kind + ": Content-Type " + (contentType == null ? "<none>" : "'" + contentType + "'") + ", body "
                    + printable(utf8(body), 160);
        }
    }

    /**
     * Introspection (and revocation, of tokens that are never the valid one) answers any body with
     * 200 or a named 400, never anything else: a bad token is never an error. A JSON or form body that
     * names the valid token finds it active; any other token, whatever it looks like, is exactly
     * {@code {"active": false}}. Every answer is checked against the served contract on the way.
     */
    @Test
    void arbitraryTokenBodiesAreAnsweredAsRfc7662And7009Say() {
        Http.Reply minted = http.mint(FX.acmeKey().presented(), FX.acmeId(), null);
        assertEquals(200, minted.status(), minted::toString);
        String valid = minted.json().get("token").asText();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + FX.acmeKey().presented());
        Property.forAll("token bodies", 300, r -> tokenCase(r, valid), c -> {
            // Revocation only of bodies that cannot name the valid token: it must stay active for the rest.
            boolean revoke = !c.body().contains(parts(valid)) && Math.floorMod(c.body().hashCode(), 3) == 0;
            Map<String, String> headers = new LinkedHashMap<>(auth);
            if (c.contentType() != null) {
                headers.put("Content-Type", c.contentType());
            }
            Http.Reply reply = http.send("POST", revoke ? "/api/v1/portal-tokens/revoke" : "/api/v1/portal-tokens/introspect",
                    headers, utf8(c.body()));
            count(reply);
            if (reply.status() == 429) {
                return;
            }
            assertTrue(reply.status() == 200 || reply.status() == 400, reply::toString);
            if (reply.status() == 400) {
                assertEquals("BAD_REQUEST", reply.json().get("code").asText());
                return;
            }
            if (revoke) {
                assertEquals("{}", reply.body(), "RFC 7009: nothing more than 200");
            } else if (c.kind().startsWith("valid")) {
                assertEquals(true, reply.json().get("active").asBoolean(), reply::toString);
                assertEquals(FX.acmeId(), reply.json().get("sub").asText());
            } else {
                assertEquals("{\"active\":false}", reply.body(), () -> "anything but the valid token is inactive: " + reply);
            }
        });
        assertExplored(200, 400);
        assertEquals(200, http.post("/api/v1/portal-tokens/introspect", auth, "{\"token\":\"" + valid + "\"}",
                "application/json").status(), "the server still serves");
    }

    private static TokenCase tokenCase(Random r, String valid) {
        String json = Property.oneOf(r, "application/json", "application/json; charset=utf-8");
        String form = "application/x-www-form-urlencoded";
        String[] parts = valid.split("\\.");
        String other = switch (r.nextInt(6)) {
            case 0 -> parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse(); // a bad signature
            case 1 -> parts[0] + "." + parts[1]; // no signature
            case 2 -> randomText(r, r.nextInt(60));
            case 3 -> "eyJhbGciOiJub25lIn0." + parts[1] + ".";  // alg none
            case 4 -> valid + randomFrom(r, BASE62, 1 + r.nextInt(3));
            default -> randomFrom(r, BASE62, 20) + "." + randomFrom(r, BASE62, 40) + "." + randomFrom(r, BASE62, 86);
        };
        return switch (r.nextInt(7)) {
            case 0 -> new TokenCase("valid, as JSON", "{\"token\":\"" + valid + "\"}", json);
            case 1 -> new TokenCase("valid, as a form", "token=" + valid, form);
            case 2 -> new TokenCase("another token, as JSON", "{\"token\":" + jsonString(other) + "}", json);
            case 3 -> new TokenCase("another token, as a form",
                    "token=" + java.net.URLEncoder.encode(other, StandardCharsets.UTF_8), form);
            case 4 -> new TokenCase("a JSON value", jsonValue(r, 3), Property.oneOf(r, json, null, form));
            case 5 -> new TokenCase("a token of another type", "{\"token\":" + jsonValue(r, 1) + "}", json);
            default -> new TokenCase("json-ish garbage", mutate(r, "{\"token\":" + jsonString(other) + "}"), json);
        };
    }

    /** The signature of a compact JWS, which any body naming that token (or a variant of it) contains. */
    private static String parts(String token) {
        return token.substring(token.lastIndexOf('.') + 1, token.lastIndexOf('.') + 20);
    }

    private static String jsonString(String text) {
        try {
            return STRICT_JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the bodies property sends (through the JDK client, which adds Content-Length). */
    private record BodyRequest(String path, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return "POST " + path + " " + headers + " " + (body == null ? "<none>" : HexFormat.of().formatHex(body));
        }
    }

    private static BodyRequest bodyRequest(FuzzFixture f, BodyCase c) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + f.acmeKey().presented());
        if (c.contentType() != null) {
            headers.put("Content-Type", c.contentType());
        }
        return new BodyRequest(mintPath(f.acmeId()), headers, c.body());
    }

    private static BodyCase bodyCase(Random r) {
        String contentType = Property.oneOf(r, null, null, "application/json", "application/json; charset=utf-8",
                "APPLICATION/JSON", "application/json;charset=UTF-16", "text/plain", "application/x-www-form-urlencoded",
                "application/merge-patch+json", "*/*", "application/octet-stream", "application/xml",
                "multipart/form-data; boundary=x");
        switch (r.nextInt(6)) {
            case 0 -> {
                return new BodyCase("json value", utf8(jsonValue(r, 3)), contentType);
            }
            case 1 -> {
                String member = "\"expires_in_seconds\"" + Property.oneOf(r, ":", " : ", ":\n") + oddNumber(r);
                String body = r.nextBoolean() ? "{" + member + "}" : "{\"" + randomText(r, 6) + "\":" + jsonValue(r, 1) + "," + member + "}";
                return new BodyCase("expires_in_seconds", utf8(body), contentType);
            }
            case 2 -> {
                String member = "\"scopes\"" + Property.oneOf(r, ":", " : ", ":\n") + oddScopes(r);
                String body = switch (r.nextInt(3)) {
                    case 0 -> "{" + member + "}";
                    case 1 -> "{\"expires_in_seconds\":" + Property.oneOf(r, "null", "3600", "59", oddNumber(r)) + "," + member + "}";
                    default -> "{\"" + randomText(r, 6) + "\":" + jsonValue(r, 1) + "," + member + "}";
                };
                return new BodyCase("scopes", utf8(body), contentType);
            }
            case 3 -> {
                return new BodyCase("json-ish garbage", utf8(mutate(r, jsonValue(r, 3))), contentType);
            }
            case 4 -> {
                byte[] bytes = new byte[r.nextInt(300)];
                r.nextBytes(bytes);
                return new BodyCase("random bytes", bytes, contentType);
            }
            default -> {
                String body = Property.oneOf(r, "", " ", "\r\n\t ", "null", " null ", "{}", "[]", "\uFEFF{}",
                        "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
                        "{\"expires_in_seconds\": 60, \"expires_in_seconds\": 70}", "{\"pad\":\"" + "x".repeat(20_000) + "\"}",
                        "{\"scopes\": [\"read\"], \"scopes\": [\"manage\"]}", "{\"expires_in_seconds\": null, \"scopes\": [\"read\"]}",
                        "{\"scopes\": [" + "\"read\",".repeat(2000) + "\"manage\"]}",
                        "{\"expires_in_seconds\": 3600}\u0000", "\"\\ud800\"", "{\"\\u0000\": 1}");
                return new BodyCase("edge body", body == null ? null : utf8(body), contentType);
            }
        }
    }

    /** A token's lifetime in seconds and its {@code scope} claim. */
    private record Minted(long lifetime, String scope) {
        static final Minted DEFAULT = new Minted(86_400L, "read manage");
    }

    /**
     * What the README's body rules say the answer must be: a token's lifetime and scopes, empty for a
     * 400 (among them every content type other than JSON, body or not), or null when the rules do not
     * decide it (a charset we do not model).
     */
    private static Optional<Minted> expectedToken(BodyCase c) {
        if (c.contentType() != null) {
            String base = c.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!base.equals("application/json")) {
                return Optional.empty(); // "other content types are refused"
            }
            if (c.contentType().toLowerCase(Locale.ROOT).contains("utf-16")) {
                return null;
            }
        }
        byte[] body = c.body();
        if (body == null || new String(body, StandardCharsets.ISO_8859_1).matches("[ \t\r\n]*")) {
            return Optional.of(Minted.DEFAULT);
        }
        if (body.length > dev.portaltoken.http.HttpLimits.DEFAULT.maxBodyBytes()) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = STRICT_JSON.readTree(body);
        } catch (Exception e) {
            return (body[0] & 0xff) == 0xef ? null : Optional.empty(); // a BOM is left to the server
        }
        if (json == null || json.isNull()) {
            return Optional.of(Minted.DEFAULT);
        }
        if (!json.isObject()) {
            return Optional.empty();
        }
        Optional<Long> lifetime = expectedLifetime(json.get("expires_in_seconds"));
        Optional<String> scope = expectedScope(json.get("scopes"));
        return lifetime.isPresent() && scope.isPresent() ? Optional.of(new Minted(lifetime.get(), scope.get()))
                : Optional.empty();
    }

    /** README: null or absent is 86400; otherwise a whole number from 60 to 2592000; empty: a 400. */
    private static Optional<Long> expectedLifetime(JsonNode seconds) {
        if (seconds == null || seconds.isNull()) {
            return Optional.of(86_400L);
        }
        if (!seconds.isNumber()) {
            return Optional.empty();
        }
        BigDecimal value = seconds.decimalValue();
        if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(60)) < 0
                || value.compareTo(BigDecimal.valueOf(2_592_000)) > 0) {
            return Optional.empty();
        }
        return Optional.of(value.longValueExact());
    }

    /**
     * README: null or absent is both; otherwise a non-empty array of "read" and "manage", duplicates
     * counting once, gives the scope claim in the order "read manage"; anything else: empty, a 400.
     */
    private static Optional<String> expectedScope(JsonNode scopes) {
        if (scopes == null || scopes.isNull()) {
            return Optional.of("read manage");
        }
        if (!scopes.isArray() || scopes.isEmpty()) {
            return Optional.empty();
        }
        boolean read = false;
        boolean manage = false;
        for (JsonNode scope : scopes) {
            if (!scope.isTextual() || !List.of("read", "manage").contains(scope.textValue())) {
                return Optional.empty();
            }
            read |= scope.textValue().equals("read");
            manage |= scope.textValue().equals("manage");
        }
        return Optional.of(read && manage ? "read manage" : read ? "read" : "manage");
    }

    private static String oddScopes(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> Property.oneOf(r, "[\"read\"]", "[\"manage\"]", "[\"read\",\"manage\"]", "[\"manage\",\"read\"]",
                    "[\"manage\",\"read\",\"manage\"]", "[\"read\",\"read\"]", "null", "[]", "[null]", "\"read\"",
                    "\"read manage\"", "[\"READ\"]", "[\"Manage\"]", "[\"admin\"]", "[\"read \"]", "[\"\"]",
                    "[\"\\u0072ead\"]", "[\"read\\u0000\"]", "[[\"read\"]]", "[{\"read\":true}]", "[1]", "[true]", "{}",
                    "{\"0\":\"read\"}", "true", "0", "[\"read\",1]", "[\"read\",null]", "[\"read\",\"manage\",\"admin\"]");
            case 1 -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    items.add(r.nextInt(4) == 0 ? jsonValue(r, 0) : "\"" + Property.oneOf(r, "read", "manage") + "\"");
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> jsonValue(r, 2);
        };
    }

    private static String oddNumber(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Property.oneOf(r, "0", "-0", "59", "60", "61", "2592000", "2592001", "86400", "1e2", "6e1", "6E+1",
                    "60.0", "60.000000000000000000001", "59.999999999999999999", "1e400", "-1e400", "1e-400",
                    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483647", "2147483648",
                    "NaN", "Infinity", "-Infinity", "0x3C", "060", "+60", ".5", "60.", "1" + "0".repeat(400),
                    "1e999999999", "6e-999999999", "1e2147483648", "1e-2147483649", "null", "true", "\"60\"", "[60]", "{}");
            case 1 -> String.valueOf(r.nextInt());
            case 2 -> String.valueOf(r.nextLong());
            default -> String.valueOf(r.nextDouble() * Math.pow(10, r.nextInt(12)));
        };
    }

    // ---------------------------------------------------------------- path values

    private record PathCase(String kind, String segment) implements Shrinkable<PathCase> {
        @Override
        public Stream<PathCase> shrink() {
            return Property.shrinkString(segment).filter(s -> !s.isEmpty()).map(s -> new PathCase(kind, s));
        }

        @Override
        public String toString() {
            return kind + ": POST /api/v1/customers/" + segment + "/portal-token";
        }
    }

    @Test
    void arbitraryIdOrAliasValuesFindOnlyTheCallersOwnCustomers() {
        Property.forAll("id_or_alias", 300, r -> pathCase(FX, r), c -> {
            Http.Reply reply = http.rawReply(pathRequest(FX, c));
            count(reply);
            JWTClaimsSet claims = assertSound("POST", true, reply);
            if (reply.status() == 429) {
                return;
            }
            String decoded = percentDecode(c.segment());
            if (decoded == null || hasRawIllegal(c.segment())) {
                assertTrue(reply.status() == 400 || reply.status() == 404, () -> "a malformed path value: " + reply);
                return;
            }
            String expected = acmeCustomers.get(decoded);
            if (expected == null) {
                assertEquals(404, reply.status(), () -> "'" + decoded + "' is no customer of the caller: " + reply);
                assertEquals("NOT_FOUND", reply.json().get("code").asText());
            } else {
                assertEquals(200, reply.status(), () -> "'" + decoded + "' is the caller's customer: " + reply);
                assertEquals(expected, claims.getSubject());
            }
        });
        assertExplored(200, 404);
    }

    private static byte[] pathRequest(FuzzFixture f, PathCase c) {
        return rawRequest("POST", mintPathRaw(c.segment()),
                List.of("Authorization: Bearer " + f.acmeKey().presented(), "Content-Length: 0"), null);
    }

    private static PathCase pathCase(FuzzFixture f, Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> new PathCase("encoded text", percentEncode(randomText(r, 1 + r.nextInt(40))));
            case 7 -> new PathCase("matrix parameters", Property.oneOf(r, "fuzz-alias;a=b", f.acmeId() + ";", "shared;x",
                    f.acmeId() + ";v=1;w=2", ";fuzz-alias", "fuzz-alias;"));
            case 1 -> new PathCase("near id", percentEncode(nearId(f.acmeId(), r)));
            case 2 -> new PathCase("alias variant", percentEncode(Property.oneOf(r, "fuzz-alias", "FUZZ-ALIAS", "fuzz-alias ",
                    " fuzz-alias", "fuzz_alias", "fuzz-alia", "shared", "Shared", "globex-only", f.globexId(), f.acmeId(),
                    f.acmeSharedId(), f.acmeId().toUpperCase(Locale.ROOT), "cus_", "cus", f.acmeId() + "\n",
                    "fuzz-alias\u0000")));
            case 3 -> new PathCase("dots", Property.oneOf(r, ".", "..", "...", "%2e", "%2E%2E", ".%2e", "a.b", "..%2f..",
                    "%2e%2e%2f", "fuzz-alias.", ".fuzz-alias", "fuzz-alias%2e"));
            case 4 -> new PathCase("unicode", percentEncode(Property.oneOf(r, "é", "ß", "ǅ", "İ", "\u0130x", "😀",
                    "\u202Efuzz", "ｆｕｚｚ", "fuzz\u00ADalias", "\uFEFF", "a\u0301") + randomText(r, r.nextInt(5))));
            case 5 -> new PathCase("raw specials", randomRawSegment(r));
            case 6 -> new PathCase("encoded separators", Property.oneOf(r, "%2F", "a%2Fb", "%5C", "%3B", "a%3Bb", "%3F",
                    "%23", "%25", "%252F", "%00", "a%00b", "%0D%0A", "%20", "+", "%2B", "%7B%7D"));
            // Long, but within the request-line size every HTTP server accepts (about 4 KB encoded).
            default -> new PathCase("long", percentEncode(randomText(r, 100 + r.nextInt(300))));
        };
    }

    private static String nearId(String acmeId, Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "cus_" + randomFrom(r, BASE62, 18 + r.nextInt(9));
            case 1 -> {
                char[] id = acmeId.toCharArray();
                int at = 4 + r.nextInt(id.length - 4);
                id[at] = BASE62.charAt(r.nextInt(62));
                yield new String(id);
            }
            case 2 -> acmeId.substring(0, 4 + r.nextInt(acmeId.length() - 4));
            default -> acmeId + randomFrom(r, BASE62, 1 + r.nextInt(3));
        };
    }

    private static String randomRawSegment(Random r) {
        String alphabet = UNRESERVED + "!$&'()*+,;=:@{}|\\^[]\"<>`%/";
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- headers

    /** One Authorization header, described without its secret. */
    private enum Auth {
        VALID, VALID_LOWER_SCHEME, VALID_EXTRA_SPACES, VALID_TAB, OTHER_TENANT, REVOKED, WRONG_SECRET, UNKNOWN_ID,
        TRUNCATED, TRAILING_GARBAGE, EMPTY, SCHEME_ONLY, BASIC, GARBAGE, NO_SCHEME;

        String value(FuzzFixture f, Random r) {
            String acmeKey = f.acmeKey().presented();
            int slash = acmeKey.indexOf('/');
            return switch (this) {
                case VALID -> "Bearer " + acmeKey;
                case VALID_LOWER_SCHEME -> "bearer " + acmeKey;
                case VALID_EXTRA_SPACES -> "Bearer    " + acmeKey + "   ";
                case VALID_TAB -> "Bearer\t" + acmeKey;
                case OTHER_TENANT -> "Bearer " + f.globexKey().presented();
                case REVOKED -> "Bearer " + f.revokedKey().presented();
                case WRONG_SECRET -> {
                    char[] key = acmeKey.toCharArray();
                    int at = 8 + r.nextInt(slash - 8);
                    key[at] = key[at] == 'a' ? 'b' : 'a';
                    yield "Bearer " + new String(key);
                }
                case UNKNOWN_ID -> "Bearer " + acmeKey.substring(0, slash + 1) + randomFrom(r, BASE62, 22);
                case TRUNCATED -> "Bearer " + acmeKey.substring(0, 8 + r.nextInt(acmeKey.length() - 8));
                case TRAILING_GARBAGE -> "Bearer " + acmeKey + randomFrom(r, BASE62 + "/=.", 1 + r.nextInt(4));
                case EMPTY -> "";
                case SCHEME_ONLY -> "Bearer";
                case BASIC -> "Basic dXNlcjpwYXNz";
                case GARBAGE -> randomFrom(r, UNRESERVED + " !#$%&'()*+,/:;<=>?@[]^`{|}", 1 + r.nextInt(80)).strip();
                case NO_SCHEME -> acmeKey;
            };
        }

        boolean grants() {
            return this == VALID || this == VALID_LOWER_SCHEME || this == VALID_EXTRA_SPACES;
        }
    }

    private record HeaderCase(List<Auth> authorizations, String contentType, String accept, String bodyMode,
                              boolean lowerCaseNames, long valueSeed) implements Shrinkable<HeaderCase> {
        @Override
        public Stream<HeaderCase> shrink() {
            List<HeaderCase> simpler = new ArrayList<>();
            if (contentType != null) {
                simpler.add(new HeaderCase(authorizations, null, accept, bodyMode, lowerCaseNames, valueSeed));
            }
            if (accept != null) {
                simpler.add(new HeaderCase(authorizations, contentType, null, bodyMode, lowerCaseNames, valueSeed));
            }
            if (!bodyMode.equals("none")) {
                simpler.add(new HeaderCase(authorizations, contentType, accept, "none", lowerCaseNames, valueSeed));
            }
            if (lowerCaseNames) {
                simpler.add(new HeaderCase(authorizations, contentType, accept, bodyMode, false, valueSeed));
            }
            for (int i = 0; i < authorizations.size(); i++) {
                List<Auth> fewer = new ArrayList<>(authorizations);
                fewer.remove(i);
                simpler.add(new HeaderCase(fewer, contentType, accept, bodyMode, lowerCaseNames, valueSeed));
            }
            return simpler.stream();
        }

        @Override
        public String toString() {
            return "Authorization " + authorizations + ", Content-Type " + quoted(contentType) + ", Accept " + quoted(accept)
                    + ", body " + bodyMode + (lowerCaseNames ? ", lower-case names" : "") + ", value seed " + valueSeed;
        }
    }

    @Test
    void arbitraryHeadersNeverMintWithoutTheCallersKey() {
        Property.forAll("headers", 300, RequestFuzzTest::headerCase, c -> {
            Http.Reply reply = http.rawReply(headerRequest(FX, c));
            count(reply);
            JWTClaimsSet claims = assertSound("POST", true, reply);
            boolean granted = c.authorizations().size() == 1 && c.authorizations().get(0).grants();
            if (reply.status() == 200) {
                assertTrue(granted, () -> "a token without exactly one valid Authorization: " + reply);
                assertEquals(FX.acmeId(), claims.getSubject());
            }
            if (granted && c.contentType() == null && c.bodyMode().equals("none")) {
                assertEquals(200, reply.status(), () -> "exactly one valid key, no body, no Content-Type: " + reply);
            }
            if (c.authorizations().stream().noneMatch(a -> a.grants() || a == Auth.OTHER_TENANT)) {
                assertTrue(reply.status() == 401 || reply.status() == 400 || reply.status() == 429,
                        () -> "no key that could be valid must be a 401: " + reply);
            }
        });
        assertExplored(200, 401);
    }

    private static byte[] headerRequest(FuzzFixture f, HeaderCase c) {
        Random values = new Random(c.valueSeed());
        List<String> headers = new ArrayList<>();
        String auth = c.lowerCaseNames() ? "authorization: " : "Authorization: ";
        c.authorizations().forEach(a -> headers.add(auth + a.value(f, values)));
        if (c.contentType() != null) {
            headers.add((c.lowerCaseNames() ? "content-type: " : "Content-Type: ") + c.contentType());
        }
        if (c.accept() != null) {
            headers.add("Accept: " + c.accept());
        }
        byte[] body = null;
        switch (c.bodyMode()) {
            case "json" -> {
                body = utf8("{\"expires_in_seconds\": 300}");
                headers.add("Content-Length: " + body.length);
            }
            case "chunked" -> {
                body = utf8("1b\r\n{\"expires_in_seconds\": 300}\r\n0\r\n\r\n");
                headers.add("Transfer-Encoding: chunked");
            }
            case "no length" -> body = utf8("{\"expires_in_seconds\": 300}");
            default -> headers.add("Content-Length: 0");
        }
        return rawRequest("POST", mintPath(f.acmeId()), headers, body);
    }

    private static HeaderCase headerCase(Random r) {
        int count = Property.oneOf(r, 0, 1, 1, 1, 1, 2, 2, 3);
        List<Auth> auths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            auths.add(Auth.values()[r.nextInt(Auth.values().length)]);
        }
        String contentType = Property.oneOf(r, null, null, null, "application/json", "application/json; charset=bogus",
                ";;;", "", "application/json, text/plain", "text/plain", "application/json;charset=", "*/*",
                "application/json; boundary", "application/" + randomFrom(r, UNRESERVED, 8));
        String accept = Property.oneOf(r, null, null, "*/*", "text/html", "application/xml", "application/json;q=0",
                "", ";;", "text/*, application/json;q=0.1");
        String body = Property.oneOf(r, "none", "json", "chunked", "no length");
        return new HeaderCase(auths, contentType, accept, body, r.nextInt(4) == 0, r.nextLong());
    }

    // ---------------------------------------------------------------- methods and routes

    private record MethodCase(String method, String route, boolean withKey) implements Shrinkable<MethodCase> {
        @Override
        public Stream<MethodCase> shrink() {
            return withKey ? Stream.of(new MethodCase(method, route, false)) : Stream.empty();
        }

        @Override
        public String toString() {
            return method + " " + route + (withKey ? " with the caller's key" : " without a key");
        }
    }

    @Test
    void arbitraryMethodsOnRealAndUnknownRoutesAreAnsweredSoundly() {
        Property.forAll("methods", 300, r -> methodCase(FX, r), c -> {
            Http.Reply reply = http.rawReply(methodRequest(FX, c));
            count(reply);
            boolean mintRoute = c.route().endsWith("/portal-token");
            JWTClaimsSet claims = assertSound(c.method(), mintRoute, reply);
            boolean mints = c.method().equals("POST") && c.route().equals(mintPath(FX.acmeId())) && c.withKey();
            boolean reads = (c.method().equals("GET") || c.method().equals("HEAD")) && (List.of("/.well-known/jwks.json",
                    "/healthz", "/readyz", "/metrics").contains(c.route())
                    || c.route().equals("/api/v1/customers") && c.withKey());
            // The admin API's list and create of the key's own customers (another tenant's customer is a 404).
            boolean creates = c.method().equals("POST") && c.route().equals("/api/v1/customers") && c.withKey();
            if (creates) {
                assertTrue(reply.status() == 201 || reply.status() == 429, reply::toString);
            } else if (mints) {
                assertTrue(reply.status() == 200 || reply.status() == 429, reply::toString);
                if (reply.status() == 200) {
                    assertEquals(FX.acmeId(), claims.getSubject());
                }
            } else if (reads) {
                assertEquals(200, reply.status(), reply::toString);
            } else {
                assertTrue(reply.status() >= 400, () -> "no operation, so an error: " + reply);
            }
        });
        assertExplored(200, 404, 405);
    }

    private static byte[] methodRequest(FuzzFixture f, MethodCase c) {
        List<String> headers = new ArrayList<>();
        if (c.withKey()) {
            headers.add("Authorization: Bearer " + f.acmeKey().presented());
        }
        headers.add("Content-Length: 0");
        return rawRequest(c.method(), c.route(), headers, null);
    }

    private static MethodCase methodCase(FuzzFixture f, Random r) {
        String method = switch (r.nextInt(3)) {
            case 0 -> Property.oneOf(r, "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST", "TRACE", "CONNECT");
            case 1 -> Property.oneOf(r, "FOO", "get", "Post", "M-SEARCH", "PROPFIND", "X", "BREW", "PRI", "QUERY", "G@T",
                    "GET,POST", "POST\u00e9".replace('\u00e9', 'e'));
            default -> randomFrom(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~0123456789", 1 + r.nextInt(12));
        };
        String acmeId = f.acmeId();
        String route = Property.oneOf(r, mintPath(acmeId), mintPath(acmeId), mintPath(f.globexId()), mintPath("nobody"),
                "/.well-known/jwks.json", "/healthz", "/readyz", "/metrics", "/", "/api", "/api/v1/customers",
                "/api/v1/customers/" + f.globexId(), "/.well-known/", "/api/v1/customers/" + acmeId + "/portal-token/x",
                "/api;a/v1/portal-tokens/introspect", "/api/v1;/portal-tokens/revoke", "/API/v1/portal-tokens/introspect",
                "/api//v1/portal-tokens/introspect",
                "/" + percentEncode(randomText(r, 1 + r.nextInt(20))));
        return new MethodCase(method, route, r.nextBoolean());
    }

    // ---------------------------------------------------------------- the invariant

    /**
     * The answer is below 500 and, unless a HEAD, either a token that verifies through the JWKS (a 200
     * on the portal-token route; its claims are returned) or a {@code RestErrorResponse}.
     */
    private static JWTClaimsSet assertSound(String method, boolean mintRoute, Http.Reply reply) {
        assertTrue(reply.status() < 500, () -> "a server error: " + reply);
        if (method.equals("HEAD")) {
            assertEquals("", reply.body(), "HEAD has no body");
            return null;
        }
        if (mintRoute && reply.status() == 200) {
            try {
                return Tokens.verifyWithJwks(http, reply.json().get("token").asText());
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("the token does not verify: " + e, e);
            }
        }
        if (reply.status() >= 400) {
            JsonNode error = reply.json();
            assertTrue(error.path("code").isTextual() && error.path("message").isTextual(), reply::toString);
        }
        return null;
    }

    private void count(Http.Reply reply) {
        statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
    }

    /** The property reached the outcomes it is meant to explore (it did not, say, only see 429s). */
    private void assertExplored(int... expected) {
        Map<Integer, Integer> seen = new TreeMap<>();
        statuses.forEach((k, v) -> seen.put(k, v.get()));
        System.out.println("statuses seen: " + seen);
        for (int status : expected) {
            assertTrue(seen.getOrDefault(status, 0) > 0, () -> "never saw HTTP " + status + "; saw " + seen);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String mintPath(String idOrAlias) {
        return "/api/v1/customers/" + idOrAlias + "/portal-token";
    }

    private static String mintPathRaw(String segment) {
        return "/api/v1/customers/" + segment + "/portal-token";
    }

    static byte[] rawRequest(String method, String target, List<String> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomFrom(Random r, String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Text from ASCII, Latin-1, other planes and control characters. */
    static String randomText(Random r, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp = switch (r.nextInt(5)) {
                case 0 -> 0x20 + r.nextInt(0x5f);
                case 1 -> 'a' + r.nextInt(26);
                case 2 -> 0xa0 + r.nextInt(0x2000);
                case 3 -> r.nextInt(0x20);
                default -> 0x1f300 + r.nextInt(0x300);
            };
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    static String jsonValue(Random r, int depth) {
        int kind = depth <= 0 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> Property.oneOf(r, "null", "true", "false");
            case 1 -> oddNumber(r);
            case 2 -> STRICT_JSON.valueToTree(randomText(r, r.nextInt(12))).toString();
            case 3 -> String.valueOf(r.nextInt(100));
            case 4 -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    items.add(jsonValue(r, depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<String> members = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    String name = switch (r.nextInt(6)) {
                        case 0, 1 -> "expires_in_seconds";
                        case 2 -> "scopes";
                        default -> randomText(r, 1 + r.nextInt(8));
                    };
                    members.add(STRICT_JSON.valueToTree(name).toString() + ":" + jsonValue(r, depth - 1));
                }
                yield "{" + String.join(",", members) + "}";
            }
        };
    }

    /** Deletes, inserts, duplicates or truncates a few characters of some JSON. */
    static String mutate(Random r, String json) {
        StringBuilder s = new StringBuilder(json);
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int at = s.length() == 0 ? 0 : r.nextInt(s.length());
            switch (r.nextInt(4)) {
                case 0 -> {
                    if (s.length() > 0) {
                        s.deleteCharAt(at);
                    }
                }
                case 1 -> {
                    String inserts = "{}[]\":,\\ \u0000'e.-+";
                    s.insert(at, inserts.charAt(r.nextInt(inserts.length())));
                }
                case 2 -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + r.nextInt(5))));
                default -> s.setLength(at);
            }
        }
        return s.toString();
    }

    /** Percent-encodes every UTF-8 byte that is not unreserved. */
    static String percentEncode(String text) {
        StringBuilder s = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0 && UNRESERVED.indexOf(b) >= 0) {
                s.append((char) b);
            } else {
                s.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return s.toString();
    }

    /**
     * The path value as the server should see it: percent-decoded UTF-8; null when malformed, which a
     * path with matrix parameters (a raw ';') is: the server refuses them rather than drop them.
     */
    private static String percentDecode(String segment) {
        if (segment.indexOf(';') >= 0) {
            return null;
        }
        if (!segment.replaceAll("%[0-9A-Fa-f]{2}", "").chars().noneMatch(c -> c == '%')) {
            return null; // a '%' without two hex digits anywhere (matrix part included) makes the URL malformed
        }
        int semicolon = segment.indexOf(';');
        String value = semicolon < 0 ? segment : segment.substring(0, semicolon);
        if (value.contains("/")) {
            return value; // not one segment: no customer can be named this way
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '%') {
                if (i + 2 >= value.length()) {
                    return null;
                }
                try {
                    bytes.write(HexFormat.fromHexDigits(value, i + 1, i + 3));
                } catch (RuntimeException e) {
                    return null;
                }
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Characters RFC 3986 does not allow in a path, sent unencoded. */
    private static boolean hasRawIllegal(String segment) {
        return segment.chars().anyMatch(ch -> "{}|\\^[]\"<>`".indexOf(ch) >= 0 || ch > 0x7e);
    }

    static String printable(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder("'");
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format(Locale.ROOT, "\\x%02x", b));
            }
        }
        return s.append(bytes.length > max ? "'..." : "'").toString();
    }

    private static String quoted(String value) {
        return value == null ? "<none>" : "'" + value + "'";
    }
}
