package dev.portaltoken.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The served contract as the build made it (target/classes/openapi): the vendored contract untouched,
 * plus exactly our additions, judged backward compatible by openapi-diff; and the same gate, run by
 * the same code over deliberately broken overlays, refuses them.
 */
class ServedContractTest {
    /** SHA-256 of Meteroid's contract as vendored from shared/seed: it is never edited. */
    private static final String VENDORED_SHA256 = "396408644b86a859b028e8414dcd4db811d81029e01373f6cd11e0c4aba38b53";
    private static final Path SOURCES = Path.of(System.getProperty("contract.sources", "../openapi"));
    private static final Path BUILT = Path.of(System.getProperty("contract.built", "target/classes/openapi"));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATION = "/paths/~1api~1v1~1customers~1{id_or_alias}~1portal-token/post";

    private static JsonNode yaml(Path file) throws Exception {
        return YAML.readTree(file.toFile());
    }

    @Test
    void theVendoredContractIsUntouchedAndEverySourceIsCopiedByteForByte() throws Exception {
        byte[] vendored = Files.readAllBytes(SOURCES.resolve(ServedContract.VENDORED));
        assertEquals(VENDORED_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(vendored)));
        for (String source : ServedContract.SOURCES) {
            assertArrayEquals(Files.readAllBytes(SOURCES.resolve(source)), Files.readAllBytes(BUILT.resolve(source)), source);
        }
    }

    @Test
    void theYamlAndTheJsonAreTheSameDocument() throws Exception {
        assertEquals(yaml(BUILT.resolve(ServedContract.SERVED_YAML)),
                JSON.readTree(BUILT.resolve(ServedContract.SERVED_JSON).toFile()));
    }

    /** Every member of the vendored contract is in the served one, unchanged; arrays only grow. */
    @Test
    void theServedContractOnlyAddsToTheVendoredOne() throws Exception {
        JsonNode vendored = yaml(SOURCES.resolve(ServedContract.VENDORED));
        JsonNode served = yaml(BUILT.resolve(ServedContract.SERVED_YAML));
        assertEquals(List.of(), AdditionsOnly.violations(vendored, served));
        for (String text : List.of("/info/title", "/info/description", "/info/version", OPERATION + "/description")) {
            assertFalse(vendored.at(text).equals(served.at(text)), "the only replaced members are text: " + text);
        }
    }

    @Test
    void anythingButTextChangedOrRemovedIsAViolation() throws Exception {
        JsonNode vendored = YAML.readTree("{info: {title: a, version: '1'}, s: {type: string, minimum: 0, enum: [x, y],"
                + " description: d, properties: {p: {type: integer}}}}");
        assertEquals(List.of(), AdditionsOnly.violations(vendored, YAML.readTree("{info: {title: b, version: '2', x: 1},"
                + " s: {type: string, minimum: 0, enum: [x, y, z], description: e, properties: {p: {type: integer},"
                + " q: {type: string}}}, t: {}}")));
        assertEquals(List.of("/s/type changed from \"string\" to \"integer\"", "/s/minimum changed from 0 to 60",
                "/s/enum changed from [\"x\",\"y\"] to [\"x\"]", "/s/properties/p was removed"),
                AdditionsOnly.violations(vendored, YAML.readTree("{info: {title: a, version: '1'}, s: {type: integer,"
                        + " minimum: 60, enum: [x], description: d, properties: {}}}")));
    }

    @Test
    void theAdditionsAreThoseOfUpstreamsNewestSdks() throws Exception {
        JsonNode served = yaml(BUILT.resolve(ServedContract.SERVED_YAML));
        JsonNode response = served.at("/components/schemas/CustomerPortalTokenResponse");
        assertEquals(List.of("token", "portal_url", "portal_link", "api_url", "expires_at"),
                JSON.convertValue(response.path("required"), List.class));
        assertEquals("date-time", response.at("/properties/expires_at/format").asText());
        JsonNode scopes = served.at("/components/schemas/CustomerPortalTokenRequest/properties/scopes");
        assertEquals(List.of("array", "null"), JSON.convertValue(scopes.path("type"), List.class));
        assertEquals(1, scopes.path("minItems").asInt());
        assertEquals("#/components/schemas/TokenScope", scopes.at("/items/$ref").asText());
        assertEquals(List.of("read", "manage"), JSON.convertValue(served.at("/components/schemas/TokenScope/enum"), List.class));
        assertTrue(served.at(OPERATION + "/description").asText().contains("`scope`"), "the scope claim is documented");
    }

    @Test
    void theGateJudgesTheServedContractCompatible() {
        Compatibility.Verdict verdict = Compatibility.check(BUILT.resolve(ServedContract.VENDORED),
                BUILT.resolve(ServedContract.SERVED_YAML));
        assertTrue(verdict.compatible(), verdict.changes());
        assertTrue(verdict.changes().contains("portal-token"), "it saw the changed operation: " + verdict.changes());
    }

    /** A copy of the sources whose overlay has {@code extraActions} appended. */
    private static Path sourcesWith(Path dir, String extraActions) throws Exception {
        Files.createDirectories(dir);
        for (String source : ServedContract.SOURCES) {
            Files.copy(SOURCES.resolve(source), dir.resolve(source));
        }
        Files.writeString(dir.resolve(ServedContract.OVERLAY), Files.readString(dir.resolve(ServedContract.OVERLAY))
                + extraActions.replace("\\n", "\n"), StandardCharsets.UTF_8);
        return dir;
    }

    /** The served contract {@code actions} would give, written beside the vendored one; the gate not run. */
    private static Path servedWith(Path dir, String actions) throws Exception {
        Path sources = sourcesWith(dir.resolve("sources"), actions);
        JsonNode served = Overlay.apply(yaml(sources.resolve(ServedContract.VENDORED)),
                yaml(sources.resolve(ServedContract.OVERLAY)));
        Path file = sources.resolve(ServedContract.SERVED_YAML);
        YAML.writeValue(file.toFile(), served);
        return file;
    }

    /** Breaking changes openapi-diff itself refuses (the build then fails, whichever rule sees it first). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "a response property removed|  - target: $.components.schemas.CustomerPortalTokenResponse.properties.token\\n    remove: true\\n",
            "the operation removed|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token']\\n    remove: true\\n",
            "a required request parameter added|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters\\n    update: {name: tenant, in: query, required: true, schema: {type: string}}\\n",
            "the request body made required|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.requestBody\\n    update: {required: true}\\n",
    })
    void openapiDiffRefusesABreakingChange(String what, String actions, @TempDir Path dir) throws Exception {
        Path served = servedWith(dir, actions);
        Compatibility.Verdict verdict = Compatibility.check(SOURCES.resolve(ServedContract.VENDORED), served);
        assertFalse(verdict.compatible(), what + ":\n" + verdict.changes());
        assertThrows(ServedContract.IncompatibleContract.class,
                () -> ServedContract.build(served.getParent(), dir.resolve("out")), what);
    }

    /** Breaking changes openapi-diff 2.1.x does not see in a 3.1 document; the additions-only rule does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "a response property's type changed|  - target: $.components.schemas.CustomerPortalTokenResponse.properties.token\\n    update: {type: integer}\\n|/components/schemas/CustomerPortalTokenResponse/properties/token/type changed",
            "the lifetime's minimum raised|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {minimum: 60}\\n|expires_in_seconds/minimum changed from 0 to 60",
            "the path parameter's type changed|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters[0].schema\\n    update: {type: integer}\\n|/parameters/0/schema/type changed",
    })
    void theAdditionsOnlyRuleRefusesWhatOpenapiDiffMisses(String what, String actions, String violation,
                                                          @TempDir Path dir) throws Exception {
        Path served = servedWith(dir, actions);
        assertTrue(Compatibility.check(SOURCES.resolve(ServedContract.VENDORED), served).compatible(),
                "openapi-diff misses it (if it no longer does, good: this case can move to the test above)");
        ServedContract.IncompatibleContract e = assertThrows(ServedContract.IncompatibleContract.class,
                () -> ServedContract.build(served.getParent(), dir.resolve("out")), what);
        assertTrue(e.getMessage().startsWith("portal-token.overlay.yaml changes the vendored contract where it may only"
                + " add:"), e.getMessage());
        assertTrue(e.getMessage().contains(violation), e.getMessage());
    }

    /**
     * The served contract must be a superset: every request the vendored contract allows is still
     * allowed, every answer it promises is still given. One case per kind of breaking change, each
     * refused by the additions-only rule (whatever openapi-diff makes of it) and so by the build.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "request: a property made required|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {required: [expires_in_seconds]}\\n|/components/schemas/CustomerPortalTokenRequest/required was added",
            "request: a maximum|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {maximum: 100}\\n|expires_in_seconds/maximum was added",
            "request: an exclusive minimum|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {exclusiveMinimum: 59}\\n|expires_in_seconds/exclusiveMinimum was added",
            "request: a multiple|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {multipleOf: 60}\\n|expires_in_seconds/multipleOf was added",
            "request: a raised minimum|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {minimum: 60}\\n|expires_in_seconds/minimum changed from 0 to 60",
            "request: a maximum length|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters[0].schema\\n    update: {maxLength: 64}\\n|/parameters/0/schema/maxLength was added",
            "request: a pattern|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters[0].schema\\n    update: {pattern: '^cus_'}\\n|/parameters/0/schema/pattern was added",
            "request: a format|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters[0].schema\\n    update: {format: uuid}\\n|/parameters/0/schema/format was added",
            "request: an enum|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {enum: [3600, 86400]}\\n|expires_in_seconds/enum was added",
            "request: a const|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {const: 3600}\\n|expires_in_seconds/const was added",
            "request: additionalProperties false|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {additionalProperties: false}\\n|/components/schemas/CustomerPortalTokenRequest/additionalProperties was added",
            "request: at most one property|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {maxProperties: 1}\\n|/components/schemas/CustomerPortalTokenRequest/maxProperties was added",
            "request: a type narrowed|  - target: $.components.schemas.CustomerPortalTokenRequest.properties.expires_in_seconds\\n    update: {type: integer}\\n|expires_in_seconds/type changed from [\"integer\",\"null\"] to \"integer\"",
            "request: a null body no longer allowed|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.requestBody.content['application/json'].schema.oneOf[0]\\n    remove: true\\n|/schema/oneOf changed",
            "request: a composition added|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {allOf: [{required: [scopes]}]}\\n|/components/schemas/CustomerPortalTokenRequest/allOf was added",
            "request: a pattern-matched property constrained|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {patternProperties: {'^x_': {type: string}}}\\n|/components/schemas/CustomerPortalTokenRequest/patternProperties was added",
            "response: a required member removed|  - target: $.components.schemas.CustomerPortalTokenResponse.required[1]\\n    remove: true\\n|/components/schemas/CustomerPortalTokenResponse/required/1 changed from \"portal_url\"",
            "response: a property removed|  - target: $.components.schemas.CustomerPortalTokenResponse.properties.portal_url\\n    remove: true\\n|/components/schemas/CustomerPortalTokenResponse/properties/portal_url was removed",
            "response: a status removed|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.responses['404']\\n    remove: true\\n|/responses/404 was removed",
            "response: an error code added|  - target: $.components.schemas.ErrorCode.enum\\n    update: TEAPOT\\n|/components/schemas/ErrorCode/enum gained entries: widens what clients may be answered",
            "response: a type widened|  - target: $.components.schemas.RestErrorResponse.properties.message\\n    update: {type: [string, 'null']}\\n|/components/schemas/RestErrorResponse/properties/message/type changed",
    })
    void theGateRefusesEveryKindOfBreakingChange(String what, String actions, String violation, @TempDir Path dir)
            throws Exception {
        Path served = servedWith(dir, actions);
        List<String> found = AdditionsOnly.violations(yaml(SOURCES.resolve(ServedContract.VENDORED)), yaml(served));
        assertTrue(found.stream().anyMatch(v -> v.contains(violation)), what + ": " + found);
        assertThrows(ServedContract.IncompatibleContract.class,
                () -> ServedContract.build(served.getParent(), dir.resolve("out")), what);
    }

    /**
     * What the rule lets through, on a small contract whose schemas are used by a request, by a
     * response and by both: annotations and new optional properties anywhere, more accepted values
     * in a request, more promised in a response.
     */
    @Test
    void additionsThatBreakNoClientPass() throws Exception {
        String contract = "{paths: {/a: {post: {requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/In'}}}},"
                + " responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}}}}},"
                + " components: {schemas: {In: {type: object, required: [a], properties: {a: {type: [string], enum: [x]},"
                + " b: {$ref: '#/components/schemas/Both'}}}, Out: {type: object, required: [a], properties: {a: {$ref:"
                + " '#/components/schemas/Both'}, n: {type: integer}}}, Both: {type: string, enum: [p, q]}}}}";
        JsonNode vendored = YAML.readTree(contract);
        JsonNode served = YAML.readTree(contract
                .replace("enum: [x]", "enum: [x, y], description: more values are accepted, x-note: 1")
                .replace("type: [string]", "type: [string, 'null']")
                .replace("b: {$ref", "c: {type: string, maxLength: 3}, b: {$ref")
                .replace("Out: {type: object, required: [a]", "Out: {type: object, required: [a, n], additionalProperties: false")
                .replace("n: {type: integer}", "n: {type: integer, minimum: 0, format: int32}")
                .replace("Both: {type: string,", "Both: {type: string, examples: [p], deprecated: false,"));
        assertEquals(List.of(), AdditionsOnly.violations(vendored, served));

        JsonNode narrowed = YAML.readTree(contract.replace("Both: {type: string,", "Both: {type: string, maxLength: 2,")
                .replace("enum: [p, q]", "enum: [p, q, r]"));
        assertEquals(List.of("/components/schemas/Both/enum gained entries: widens what clients may be answered",
                "/components/schemas/Both/maxLength was added: a new constraint on what clients may send"),
                AdditionsOnly.violations(vendored, narrowed), "a schema used both ways may neither narrow nor widen");
    }

    /** The build runs main in its own JVM: a breaking overlay is exit status 1 and the reason on stderr. */
    @Test
    void theBuildStepFailsOnABreakingChange(@TempDir Path dir) throws Exception {
        Path sources = sourcesWith(dir.resolve("sources"), "  - target: $.paths['/api/v1/customers/{id_or_alias}"
                + "/portal-token'].post.parameters\n    update: {name: tenant, in: query, required: true, schema: {type: string}}\n");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServedContract.class.getName(), sources.toString(),
                dir.resolve("out").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.startsWith("error: portal-token.openapi.yaml is not backward compatible"), output);

        Process ok = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServedContract.class.getName(), SOURCES.toString(),
                dir.resolve("good").toString()).redirectErrorStream(true).start();
        String okOutput = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, ok.exitValue(), okOutput);
        assertArrayEquals(Files.readAllBytes(BUILT.resolve(ServedContract.SERVED_YAML)),
                Files.readAllBytes(dir.resolve("good").resolve(ServedContract.SERVED_YAML)), "the build is reproducible");
    }
}
