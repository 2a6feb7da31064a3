package dev.portaltoken.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks an HTTP answer against the OpenAPI 3.1 documents that a server serves: the served contract
 * (the vendored one with our overlay applied, as the build made it) and our own two documents, read
 * from the classpath ({@code openapi/}, where module contract/ puts them; the vendored contract is
 * there too, for the others' references to it).
 *
 * <p>The operation is found by the request's method and the match of its raw path against every path
 * template. Then the status must be one the operation declares, the Content-Type one of the declared
 * media types, and a JSON body must validate (JSON Schema 2020-12, OpenAPI 3.1 dialect) against the
 * declared schema, {@code $ref}s included. A path no document declares, or a method a declared path
 * has no operation for, must be answered with an error status and the contract's
 * {@code RestErrorResponse}. {@code HEAD} is {@code GET} without a body. Failures name the
 * operation, status and schema location, and show the body only through {@link Redact}.
 */
public final class Conformance {
    /** The served contract: meteroid-portal-token.openapi.yaml with portal-token.overlay.yaml applied. */
    public static final String CONTRACT = "portal-token.openapi.yaml";
    /** Meteroid's contract as vendored: what old clients were generated from. */
    public static final String VENDORED = "meteroid-portal-token.openapi.yaml";
    public static final String ADDITIONS = "portal-token-server.openapi.yaml";
    public static final String OPERATIONS = "operations.openapi.yaml";
    public static final String PAGES = "pages.openapi.yaml";
    public static final String ADMIN = "admin.openapi.yaml";
    public static final String WEBHOOKS = "webhooks.openapi.yaml";
    /** Upstream Meteroid's whole API document, vendored unchanged: what the tests' stand-in of it answers. */
    public static final String UPSTREAM = "meteroid-api-v1.openapi.json";

    private static final String SPEC_DIR = "openapi/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A base IRI for the documents; only the classpath answers for it, nothing is fetched. */
    private static final String SPEC_IRI = "https://documents.portal-token.invalid/openapi/";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
            builder -> builder.schemas(iri -> iri.startsWith(SPEC_IRI) ? readText(iri.substring(SPEC_IRI.length())) : null));
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    private static final Map<String, JsonNode> DOCUMENTS = new ConcurrentHashMap<>();
    private static final Map<List<String>, Conformance> BY_SPECS = new ConcurrentHashMap<>();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern PARAMETER = Pattern.compile("\\{[^}/]+}");

    private final List<Operation> operations;
    private final List<PathTemplate> paths;

    private record PathTemplate(String spec, String template, Pattern pattern) {
    }

    private record Operation(PathTemplate path, String method, String operationId, JsonNode responses) {
        String describe() {
            return method.toUpperCase(Locale.ROOT) + " " + path.template() + " (" + operationId + " in " + path.spec() + ")";
        }
    }

    private Conformance(List<String> specs) {
        List<Operation> ops = new ArrayList<>();
        List<PathTemplate> templates = new ArrayList<>();
        for (String spec : specs) {
            JsonNode document = read(spec);
            Iterator<Map.Entry<String, JsonNode>> entries = document.path("paths").fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                PathTemplate template = new PathTemplate(spec, entry.getKey(), toRegex(entry.getKey()));
                templates.add(template);
                entry.getValue().fields().forEachRemaining(op -> {
                    if (METHODS.contains(op.getKey())) {
                        ops.add(new Operation(template, op.getKey(), op.getValue().path("operationId").asText("?"),
                                op.getValue().path("responses")));
                    }
                });
            }
        }
        if (ops.isEmpty()) {
            throw new IllegalStateException("no operations in " + specs + " under " + SPEC_DIR);
        }
        this.operations = List.copyOf(ops);
        this.paths = List.copyOf(templates);
    }

    /** Everything the server serves when no management port is configured. */
    public static Conformance allSpecs() {
        return of(CONTRACT, ADDITIONS, OPERATIONS, PAGES, ADMIN, WEBHOOKS);
    }

    /** The operations of the given documents (file names in {@code openapi/} on the classpath). */
    public static Conformance of(String... specs) {
        return BY_SPECS.computeIfAbsent(List.of(specs), Conformance::new);
    }

    /**
     * @param method the request method as sent
     * @param rawPath the request path as sent (percent-encoded, without query)
     * @param headers response headers, names in lower case
     * @throws AssertionError when the answer does not conform
     */
    public void check(String method, String rawPath, int status, Map<String, String> headers, String body) {
        // Methods are case-sensitive (RFC 9110): only GET, POST, ... name the documents' get, post, ...
        String m = method.equals(method.toUpperCase(Locale.ROOT)) ? method.toLowerCase(Locale.ROOT) : "\u0000" + method;
        boolean head = m.equals("head");
        List<PathTemplate> matching = paths.stream().filter(p -> p.pattern().matcher(rawPath).matches()).toList();
        Optional<Operation> operation = operations.stream()
                .filter(o -> matching.contains(o.path()) && o.method().equals(head ? "get" : m))
                .findFirst();
        String request = method + " " + rawPath;
        if (operation.isEmpty()) {
            String why = matching.isEmpty() ? "no documented path matches" : "path " + matching.get(0).template()
                    + " has no " + (head ? "GET (for HEAD)" : method) + " operation";
            checkUndocumented(request + " (" + why + ")", head, status, headers, body);
            return;
        }
        Operation op = operation.get();
        String context = request + " as " + op.describe();
        String code = String.valueOf(status);
        String key = op.responses().has(code) ? code
                : op.responses().has(code.charAt(0) + "XX") ? code.charAt(0) + "XX"
                : op.responses().has("default") ? "default" : null;
        if (key == null) {
            List<String> declared = new ArrayList<>();
            op.responses().fieldNames().forEachRemaining(declared::add);
            throw failure(context, "answered HTTP " + status + ", a status it does not declare (declared: "
                    + String.join(", ", declared) + ")", body);
        }
        // A response may be a $ref to the document's components/responses (admin.openapi.yaml's are).
        JsonNode response = op.responses().path(key);
        String responsePointer = "#/paths/" + escape(op.path().template()) + "/" + op.method() + "/responses/"
                + escape(key);
        if (response.path("$ref").asText("").startsWith("#/")) {
            responsePointer = response.path("$ref").asText();
            response = DOCUMENTS.computeIfAbsent(op.path().spec(), Conformance::read).at(responsePointer.substring(1));
        }
        JsonNode content = response.path("content");
        if (head) {
            if (!body.isEmpty()) {
                throw failure(context, "HEAD answered HTTP " + status + " with a body", body);
            }
            return;
        }
        if (content.isMissingNode() || content.isEmpty()) {
            if (!body.isEmpty()) {
                throw failure(context, "HTTP " + status + " declares no content but a body came", body);
            }
            return;
        }
        String contentType = headers.get("content-type");
        String mediaType = contentType == null ? null : baseType(contentType);
        List<String> declaredTypes = new ArrayList<>();
        content.fieldNames().forEachRemaining(declaredTypes::add);
        String declared = declaredTypes.stream().filter(t -> mediaMatches(t, mediaType)).findFirst().orElse(null);
        if (declared == null) {
            throw failure(context, "HTTP " + status + " with Content-Type " + contentType + ", declared: "
                    + String.join(", ", declaredTypes), body);
        }
        if (isJson(declared)) {
            String pointer = responsePointer + "/content/" + escape(declared) + "/schema";
            validate(context + ", HTTP " + status, op.path().spec(), pointer, body);
        }
    }

    private void checkUndocumented(String context, boolean head, int status, Map<String, String> headers, String body) {
        if (status < 400) {
            throw failure(context, "answered HTTP " + status + "; an undocumented route or method must be an error", body);
        }
        if (head) {
            if (!body.isEmpty()) {
                throw failure(context, "HEAD answered with a body", body);
            }
            return;
        }
        String contentType = headers.get("content-type");
        if (contentType == null || !"application/json".equals(baseType(contentType))) {
            throw failure(context, "HTTP " + status + " with Content-Type " + contentType
                    + "; errors are the contract's RestErrorResponse as application/json", body);
        }
        validate(context + ", HTTP " + status, CONTRACT, "#/components/schemas/RestErrorResponse", body);
    }

    /**
     * Checks a JSON document against a schema of one of the documents (a request body the tests send).
     *
     * @throws AssertionError naming what does not match
     */
    public static void validate(String spec, String pointer, String body) {
        validate("a body sent to " + spec + pointer, spec, pointer, body);
    }

    private static void validate(String context, String spec, String pointer, String body) {
        Schema schema = COMPILED.computeIfAbsent(spec + pointer,
                k -> SCHEMAS.getSchema(SchemaLocation.of(SPEC_IRI + spec + pointer)));
        List<Error> errors;
        try {
            errors = schema.validate(body, InputFormat.JSON);
        } catch (RuntimeException e) {
            throw failure(context, "the body is not JSON (" + e.getClass().getSimpleName() + ") but "
                    + spec + pointer + " is declared", body);
        }
        if (!errors.isEmpty()) {
            String list = errors.stream().map(e -> e.getInstanceLocation() + " " + e.getMessage())
                    .collect(Collectors.joining("; "));
            throw failure(context, "the body does not match " + spec + pointer + ": " + list, body);
        }
    }

    private static AssertionError failure(String context, String problem, String body) {
        return new AssertionError("contract conformance: " + Redact.mask(context) + " " + Redact.mask(problem)
                + "\n  body: " + Redact.shown(body, 500));
    }

    private static Pattern toRegex(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("[^/]+");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    private static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean mediaMatches(String declared, String actual) {
        if (actual == null) {
            return false;
        }
        String d = declared.toLowerCase(Locale.ROOT);
        return d.equals(actual) || d.equals("*/*") || (d.endsWith("/*") && actual.startsWith(d.substring(0, d.length() - 1)));
    }

    private static boolean isJson(String mediaType) {
        String t = mediaType.toLowerCase(Locale.ROOT);
        return t.equals("application/json") || t.endsWith("+json");
    }

    /** JSON Pointer escaping (RFC 6901), then percent-encoding of what a URI fragment may not hold. */
    private static String escape(String token) {
        String pointer = token.replace("~", "~0").replace("/", "~1");
        return pointer.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
    }

    /** A document's text, from the classpath. */
    public static String readText(String spec) {
        try (InputStream in = Conformance.class.getClassLoader().getResourceAsStream(SPEC_DIR + spec)) {
            if (in == null) {
                throw new IllegalStateException(SPEC_DIR + spec + " is not on the test classpath (module contract builds it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SPEC_DIR + spec, e);
        }
    }

    private static JsonNode read(String spec) {
        try {
            return YAML.readTree(readText(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SPEC_DIR + spec, e);
        }
    }

    /** The declared statuses of the operation a method and raw path select, for tests of this class. */
    Set<String> declaredStatuses(String method, String rawPath) {
        Set<String> statuses = new LinkedHashSet<>();
        operations.stream()
                .filter(o -> o.method().equals(method.toLowerCase(Locale.ROOT)) && o.path().pattern().matcher(rawPath).matches())
                .forEach(o -> o.responses().fieldNames().forEachRemaining(statuses::add));
        return statuses;
    }
}
