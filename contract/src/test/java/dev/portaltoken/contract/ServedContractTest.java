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
import java.util.Set;
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
    /** The only members of the vendored contract the overlay replaces: text for people, nothing a client reads. */
    private static final Set<String> REPLACED = Set.of("/info/title", "/info/description", "/info/version",
            OPERATION + "/description");

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
    void theServedContractContainsTheVendoredOneUnchanged() throws Exception {
        List<String> differences = new ArrayList<>();
        contained(yaml(SOURCES.resolve(ServedContract.VENDORED)), yaml(BUILT.resolve(ServedContract.SERVED_YAML)), "",
                differences);
        assertEquals(List.of(), differences);
    }

    private static void contained(JsonNode vendored, JsonNode served, String at, List<String> differences) {
        if (REPLACED.contains(at)) {
            assertFalse(served.isMissingNode(), at);
            return;
        }
        if (vendored.isObject() && served.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vendored.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                contained(member.getValue(), served.path(member.getKey()),
                        at + "/" + member.getKey().replace("~", "~0").replace("/", "~1"), differences);
            }
        } else if (vendored.isArray() && served.isArray() && served.size() >= vendored.size()) {
            for (int i = 0; i < vendored.size(); i++) {
                contained(vendored.get(i), served.get(i), at + "/" + i, differences);
            }
        } else if (!vendored.equals(served)) {
            differences.add(at + ": " + vendored + " became " + served);
        }
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "a response property removed|  - target: $.components.schemas.CustomerPortalTokenResponse.properties.token\\n    remove: true\\n",
            "a response property's type changed|  - target: $.components.schemas.CustomerPortalTokenResponse.properties.token\\n    update: {type: integer}\\n",
            "a request property made required|  - target: $.components.schemas.CustomerPortalTokenRequest\\n    update: {required: [expires_in_seconds]}\\n",
            "the operation removed|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token']\\n    remove: true\\n",
            "a required request parameter added|  - target: $.paths['/api/v1/customers/{id_or_alias}/portal-token'].post.parameters\\n    update: {name: tenant, in: query, required: true, schema: {type: string}}\\n",
    })
    void theGateRefusesABreakingChange(String what, String actions, @TempDir Path dir) throws Exception {
        Path sources = sourcesWith(dir.resolve("sources"), actions);
        ServedContract.IncompatibleContract e = assertThrows(ServedContract.IncompatibleContract.class,
                () -> ServedContract.build(sources, dir.resolve("out")), what);
        assertTrue(e.getMessage().startsWith("portal-token.openapi.yaml is not backward compatible with "
                + "meteroid-portal-token.openapi.yaml (openapi-diff):"), e.getMessage());
    }

    /** The build runs main in its own JVM: a breaking overlay is exit status 1 and the reason on stderr. */
    @Test
    void theBuildStepFailsOnABreakingChange(@TempDir Path dir) throws Exception {
        Path sources = sourcesWith(dir.resolve("sources"),
                "  - target: $.components.schemas.CustomerPortalTokenResponse.properties.portal_url\n    remove: true\n");
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
