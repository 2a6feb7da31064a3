package dev.portaltoken.fuzz;

import static dev.portaltoken.fuzz.RequestFuzzTest.jsonValue;
import static dev.portaltoken.fuzz.RequestFuzzTest.mutate;
import static dev.portaltoken.fuzz.RequestFuzzTest.percentEncode;
import static dev.portaltoken.fuzz.RequestFuzzTest.printable;
import static dev.portaltoken.fuzz.RequestFuzzTest.randomText;
import static dev.portaltoken.fuzz.RequestFuzzTest.rawRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.AdminDocument;
import dev.portaltoken.support.AdminDocument.Operation;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Property;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fuzz harness over every operation of the admin API, enumerated from openapi/admin.openapi.yaml
 * (so an operation added to the document is fuzzed without a change here): arbitrary path values,
 * query values, bodies (built from the operation's request schema, mutated, or random), and the
 * {@code Idempotency-Key} and {@code If-Match} headers, sent with an admin key, a tenant's key,
 * another tenant's key, a wrong key or none, to the main or the management port. Every answer must
 * be below 500, a RestErrorResponse when an error, and conform to the documents ({@link Http}); a
 * success only where that kind of key may succeed, and a tenant's success never shows another
 * tenant's customer. After the property the server still serves. Replay with {@code -Dfuzz.seed}.
 */
class AdminApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Operation> OPERATIONS = AdminDocument.operations();
    private static final FuzzFixture FX = FuzzFixture.of(Property.seed());
    private static TestServer server;
    private static String adminKey;
    /** A customer of acme, and a key of acme, that no case names (the cases change the fixture's). */
    private static String untouched;
    private static String untouchedKey;
    private final Map<Integer, Integer> statuses = new TreeMap<>();

    enum Caller { ADMIN, ACME, GLOBEX, WRONG, NONE }

    /** What one case sends (the key by kind only: a case prints no secret). */
    record Case(Operation operation, String target, Caller caller, boolean managementPort, List<String> headers,
                String contentType, byte[] body) {
        @Override
        public String toString() {
            return operation + " as " + target + " to the " + (managementPort ? "management" : "main") + " port, key "
                    + caller + ", headers " + headers + ", Content-Type " + contentType + ", body "
                    + (body == null ? "<none>" : printable(body, 160));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"));
        FX.insert(server);
        adminKey = server.cliOk("admin-key", "create", "--name", "fuzz");
        untouched = server.createCustomer("acme", "untouched");
        untouchedKey = server.createApiKey("acme");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void theServerStillServes() {
        assertEquals(200, server.managementHttp().get("/healthz").status());
        Http.Reply list = server.managementHttp().send("GET", "/admin/v1/tenants/acme/customers?limit=1",
                Map.of("Authorization", "Bearer " + adminKey));
        assertEquals(200, list.status(), list::toString);
        assertEquals(200, server.http().mint(untouchedKey, untouched, null).status());
    }

    @Test
    void everyOperationOfTheDocumentIsFuzzedAndAReplayedSeedSendsTheSameCases() {
        assertTrue(OPERATIONS.size() >= 15, () -> "the admin document's operations: " + OPERATIONS);
        List<String> cases = Property.cases(Property.seed(), "admin", 600, AdminApiFuzzTest::next).stream()
                .map(Case::toString).toList();
        for (Operation operation : OPERATIONS) {
            assertTrue(cases.stream().anyMatch(c -> c.startsWith(operation + " as ")), () -> "never fuzzed: " + operation);
        }
        assertEquals(cases, Property.cases(Property.seed(), "admin", 600, AdminApiFuzzTest::next).stream()
                .map(Case::toString).toList());
        assertNotEquals(cases, Property.cases(Property.seed() + 1, "admin", 600, AdminApiFuzzTest::next).stream()
                .map(Case::toString).toList());
    }

    @Test
    void arbitraryRequestsToEveryOperationAreAnsweredSoundly() {
        Property.forAll("admin", 600, AdminApiFuzzTest::next, c -> {
            Http http = c.managementPort() ? server.managementHttp() : server.http();
            Http.Reply reply = http.rawReply(rawRequest(c.operation().method(), c.target(), withKey(c), c.body()));
            synchronized (statuses) {
                statuses.merge(reply.status(), 1, Integer::sum);
            }
            assertTrue(reply.status() < 500, () -> "a server error: " + reply);
            if (reply.status() >= 400) {
                JsonNode error = reply.json();
                assertTrue(error.path("code").isTextual() && error.path("message").isTextual(), reply::toString);
            } else {
                boolean mayAct = c.operation().operatorPart() ? c.caller() == Caller.ADMIN && c.managementPort()
                        : (c.caller() == Caller.ACME || c.caller() == Caller.GLOBEX) && !c.managementPort();
                assertTrue(mayAct, () -> "a success for a key that may not do this: " + reply);
                if (!c.operation().operatorPart()) {
                    String other = c.caller() == Caller.ACME ? FX.globexId() + " " + FX.globexOnlyId()
                            : FX.acmeId() + " " + FX.acmeSharedId();
                    for (String id : other.split(" ")) {
                        assertFalse(reply.body().contains(id), () -> "another tenant's customer: " + reply);
                    }
                }
            }
        });
        System.out.println("statuses seen: " + statuses);
        for (int status : new int[] {200, 400, 401, 403, 404}) {
            assertTrue(statuses.getOrDefault(status, 0) > 0, () -> "never saw HTTP " + status + "; saw " + statuses);
        }
    }

    private static List<String> withKey(Case c) {
        List<String> headers = new ArrayList<>(c.headers());
        String key = switch (c.caller()) {
            case ADMIN -> adminKey;
            case ACME -> FX.acmeKey().presented();
            case GLOBEX -> FX.globexKey().presented();
            case WRONG -> "pt_admin_nope/x";
            case NONE -> null;
        };
        if (key != null) {
            headers.add("Authorization: Bearer " + key);
        }
        if (c.contentType() != null) {
            headers.add("Content-Type: " + c.contentType());
        }
        headers.add("Content-Length: " + (c.body() == null ? 0 : c.body().length));
        return headers;
    }

    // ---------------------------------------------------------------- cases from the document

    private static Case next(Random r) {
        Operation operation = OPERATIONS.get(r.nextInt(OPERATIONS.size()));
        String path = operation.template();
        StringBuilder query = new StringBuilder();
        List<String> headers = new ArrayList<>();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asText();
            String type = parameter.path("schema").path("type").asText("string");
            switch (parameter.path("in").asText()) {
                case "path" -> path = path.replace("{" + name + "}", pathValue(r, name));
                case "query" -> {
                    if (r.nextBoolean()) {
                        query.append(query.length() == 0 ? '?' : '&').append(name).append('=').append(queryValue(r, type));
                    }
                }
                case "header" -> {
                    if (r.nextInt(3) > 0) {
                        headers.add(name + ": " + headerValue(r, name));
                    }
                }
                default -> { }
            }
        }
        String contentType = null;
        byte[] body = null;
        if (!operation.body().isMissingNode() || r.nextInt(5) == 0) {
            List<String> declared = new ArrayList<>();
            operation.body().path("content").fieldNames().forEachRemaining(declared::add);
            contentType = r.nextInt(5) == 0 || declared.isEmpty()
                    ? Property.oneOf(r, null, "text/plain", "application/json; charset=ISO-8859-1", "application/xml", "*/*")
                    : declared.get(r.nextInt(declared.size()));
            JsonNode schema = AdminDocument.resolve(operation.body().path("content").path(declared.isEmpty() ? "" : declared.get(0))
                    .path("schema"));
            body = body(r, contentType, schema);
        }
        Caller caller = Caller.values()[r.nextInt(Caller.values().length)];
        boolean usualPort = r.nextInt(8) > 0; // the port that serves the operation, mostly
        boolean management = operation.operatorPart() ? usualPort : !usualPort;
        return new Case(operation, path + query, caller, management, List.copyOf(headers), contentType, body);
    }

    private static String pathValue(Random r, String name) {
        List<String> known = switch (name) {
            case "tenant" -> List.of("acme", "globex", "nobody");
            case "id_or_alias" -> List.of(FX.acmeId(), "fuzz-alias", "shared", FX.globexId(), "globex-only",
                    FX.acmeId().substring(0, FX.acmeId().length() - 1) + "x", "cus_", "new-" + r.nextInt(1000));
            // Another parameter (a key's id, a kid, ...): never one of the fixture's keys, which a case could revoke.
            default -> List.of("acme", FX.acmeId(), "nope", "0");
        };
        return r.nextInt(4) > 0 ? known.get(r.nextInt(known.size())) : percentEncode(randomText(r, 1 + r.nextInt(40)));
    }

    private static String queryValue(Random r, String type) {
        return switch (type) {
            case "integer" -> Property.oneOf(r, "1", "1000", "1001", "0", "-1", "x", "", "1e3", "99999999999",
                    String.valueOf(r.nextInt(1200)));
            case "boolean" -> Property.oneOf(r, "true", "false", "yes", "", "1");
            default -> r.nextBoolean() ? Property.oneOf(r, "acme", "fuzz", "", "bm90LWEtY3Vyc29y")
                    : percentEncode(randomText(r, r.nextInt(60)));
        };
    }

    /** Printable ASCII only (a header line cannot carry a raw CR or LF; arbitrary bytes are RequestFuzzTest's). */
    private static String headerValue(Random r, String name) {
        if (r.nextBoolean()) {
            return name.equals("If-Match") ? Property.oneOf(r, "\"1\"", "\"2\"", "*", "W/\"1\"", "\"x\"", "1")
                    : Property.oneOf(r, "fuzz-1", "fuzz-2", "x".repeat(255), "x".repeat(256), "é");
        }
        StringBuilder value = new StringBuilder();
        for (int i = 1 + r.nextInt(300); i > 0; i--) {
            value.append((char) (0x21 + r.nextInt(0x5e)));
        }
        return value.toString();
    }

    private static byte[] body(Random r, String contentType, JsonNode schema) {
        String text = switch (r.nextInt(5)) {
            case 0, 1 -> fromSchema(r, schema, true);
            case 2 -> fromSchema(r, schema, false);
            case 3 -> mutate(r, fromSchema(r, schema, r.nextBoolean()));
            default -> r.nextBoolean() ? jsonValue(r, 2) : randomText(r, r.nextInt(200));
        };
        return text.getBytes(contentType != null && contentType.contains("8859") ? StandardCharsets.ISO_8859_1
                : StandardCharsets.UTF_8);
    }

    /**
     * A JSON object with some of the schema's properties: {@code plausible}, values a valid request
     * could hold (so that successes are explored too); otherwise odd ones.
     */
    private static String fromSchema(Random r, JsonNode schema, boolean plausible) {
        List<String> members = new ArrayList<>();
        for (Iterator<String> names = schema.path("properties").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (plausible && !name.equals("id") && r.nextBoolean()) {
                members.add("\"" + name + "\":\"fuzz-" + r.nextInt(100) + (name.contains("email") ? "@example.com\"" : "\""));
            } else if (!plausible && r.nextInt(3) > 0) {
                String value = switch (r.nextInt(4)) {
                    case 0 -> "\"fuzz-" + r.nextInt(100) + "\"";
                    case 1 -> "\"\"";
                    case 2 -> jsonValue(r, 1);
                    default -> JSON.valueToTree(randomText(r, r.nextInt(300))).toString();
                };
                members.add("\"" + name + "\":" + value);
            }
        }
        return "{" + String.join(",", members) + "}";
    }
}
