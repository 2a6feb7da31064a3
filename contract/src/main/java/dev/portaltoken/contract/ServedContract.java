package dev.portaltoken.contract;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Builds the contract this server serves and its clients are generated from: Meteroid's vendored
 * contract with our additions (an OpenAPI Overlay 1.0 document) applied, written as YAML and JSON,
 * beside byte-for-byte copies of the source documents (their relative {@code $ref}s keep working
 * there). Refuses a result that is not backward compatible with the vendored contract: one that
 * changes what the vendored contract says ({@link AdditionsOnly}) or that openapi-diff judges
 * incompatible ({@link Compatibility}).
 *
 * <p>Run by the build ({@code contract/pom.xml}): {@code ServedContract SOURCE_DIR OUTPUT_DIR}; exit
 * status 1 with the reason on stderr fails the build.
 */
public final class ServedContract {
    /** Meteroid's contract, vendored byte for byte and never edited. */
    public static final String VENDORED = "meteroid-portal-token.openapi.yaml";
    /** Our additions to it. */
    public static final String OVERLAY = "portal-token.overlay.yaml";
    /** The served contract. */
    public static final String SERVED_YAML = "portal-token.openapi.yaml";
    public static final String SERVED_JSON = "portal-token.openapi.json";
    /** The documents copied unchanged: the vendored contract, our own two, and the overlay. */
    public static final List<String> SOURCES = List.of(VENDORED, "portal-token-server.openapi.yaml",
            "operations.openapi.yaml", "webhooks.openapi.yaml", OVERLAY);

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServedContract() {
    }

    /** The served contract is not backward compatible with the vendored one. */
    public static final class IncompatibleContract extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IncompatibleContract(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ServedContract SOURCE_DIR OUTPUT_DIR");
            System.exit(2);
        }
        try {
            build(Path.of(args[0]), Path.of(args[1]));
        } catch (IncompatibleContract | Overlay.InvalidOverlay e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Writes the served contract and the copies into {@code outputDir} and checks it.
     *
     * @throws IncompatibleContract when the overlay changes the vendored contract rather than adding
     *                              to it, or openapi-diff judges the served contract incompatible
     * @throws Overlay.InvalidOverlay when the overlay cannot be applied
     */
    public static void build(Path sourceDir, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        for (String source : SOURCES) {
            Files.copy(sourceDir.resolve(source), outputDir.resolve(source), StandardCopyOption.REPLACE_EXISTING);
        }
        JsonNode vendored = YAML.readTree(sourceDir.resolve(VENDORED).toFile());
        JsonNode served = Overlay.apply(vendored, YAML.readTree(sourceDir.resolve(OVERLAY).toFile()));
        List<String> changed = AdditionsOnly.violations(vendored, served);
        if (!changed.isEmpty()) {
            throw new IncompatibleContract(OVERLAY + " changes the vendored contract where it may only add: "
                    + String.join("; ", changed));
        }
        Files.writeString(outputDir.resolve(SERVED_YAML), YAML.writeValueAsString(served), StandardCharsets.UTF_8);
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE
                .withLinefeed("\n"));
        Files.writeString(outputDir.resolve(SERVED_JSON), JSON.writer(pretty).writeValueAsString(served) + "\n",
                StandardCharsets.UTF_8);
        requireCompatible(outputDir.resolve(VENDORED), outputDir.resolve(SERVED_YAML));
    }

    /** @throws IncompatibleContract with openapi-diff's account when {@code newer} may break clients of {@code older} */
    public static void requireCompatible(Path older, Path newer) {
        Compatibility.Verdict verdict = Compatibility.check(older, newer);
        if (!verdict.compatible()) {
            throw new IncompatibleContract(newer.getFileName() + " is not backward compatible with "
                    + older.getFileName() + " (openapi-diff):\n" + verdict.changes());
        }
    }
}
