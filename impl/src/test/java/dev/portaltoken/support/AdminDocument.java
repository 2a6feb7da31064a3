package dev.portaltoken.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * The operations of openapi/admin.openapi.yaml as the tests that cover "every admin operation" take
 * them (the fuzz harness, the log check, PORTAL_ADMIN_API): from the document, so an operation added
 * to it is covered with no change to those tests.
 */
public final class AdminDocument {
    private static final JsonNode DOCUMENT = read();

    /**
     * One operation: its method (upper case), path template, parameters (the path's and its own, local
     * $refs followed) and request body (missing when it has none).
     */
    public record Operation(String method, String template, List<JsonNode> parameters, JsonNode body) {
        /** Whether it is of the operator part (/admin/v1, admin keys). */
        public boolean operatorPart() {
            return template.startsWith("/admin/");
        }

        /** The path with every parameter set to {@code value} (already percent-encoded as needed). */
        public String path(String value) {
            return template.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(value));
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private AdminDocument() {
    }

    /** Every operation, in the document's order. */
    public static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        DOCUMENT.path("paths").fields().forEachRemaining(path -> {
            List<JsonNode> shared = new ArrayList<>();
            path.getValue().path("parameters").forEach(p -> shared.add(resolve(p)));
            path.getValue().fields().forEachRemaining(method -> {
                if (List.of("get", "put", "post", "delete", "patch").contains(method.getKey())) {
                    List<JsonNode> parameters = new ArrayList<>(shared);
                    method.getValue().path("parameters").forEach(p -> parameters.add(resolve(p)));
                    operations.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                            List.copyOf(parameters), resolve(method.getValue().path("requestBody"))));
                }
            });
        });
        return List.copyOf(operations);
    }

    /** Follows a local $ref ({@code #/components/...}); anything else as it is. */
    public static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? resolve(DOCUMENT.at(ref.substring(1))) : node;
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Conformance.readText(Conformance.ADMIN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
