package dev.portaltoken.http;

import dev.portaltoken.api.DocsApi;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webjars.WebJarVersionLocator;

/**
 * {@code /docs}: Swagger UI, from the {@code org.webjars:swagger-ui} jar on the class path, over the
 * served contract and the OpenAPI documents packaged from {@code openapi/}, all served by this server. Thread-safe.
 */
final class DocsResource implements DocsApi {
    /** Swagger UI's definition menu, which web/docs/swagger-initializer.js loads by {@code configUrl}. */
    static final String SWAGGER_CONFIG = "swagger-config.json";

    /**
     * Scripts and styles from this origin only, no inline script. Swagger UI draws icons from data:
     * URLs, and its logo carries one inline style element, allowed by its hash (a new Swagger UI
     * version with another logo style fails the browser test, which reports every CSP violation).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self';"
            + " style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; connect-src 'self';"
            + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final ClasspathFile page = new ClasspathFile("web/docs/index.html", ClasspathFile.HTML);
    private final Map<String, ClasspathFile> assets;
    private final Map<String, ClasspathFile> specs = new LinkedHashMap<>();
    private final String swaggerConfig;

    DocsResource() {
        WebJarVersionLocator webjars = new WebJarVersionLocator();
        assets = Map.of(
                "swagger-ui-bundle.js", swaggerUi(webjars, "swagger-ui-bundle.js", ClasspathFile.JAVASCRIPT),
                "swagger-ui-standalone-preset.js", swaggerUi(webjars, "swagger-ui-standalone-preset.js",
                        ClasspathFile.JAVASCRIPT),
                "swagger-ui.css", swaggerUi(webjars, "swagger-ui.css", ClasspathFile.CSS),
                "index.css", swaggerUi(webjars, "index.css", ClasspathFile.CSS),
                "favicon-16x16.png", swaggerUi(webjars, "favicon-16x16.png", ClasspathFile.PNG),
                "favicon-32x32.png", swaggerUi(webjars, "favicon-32x32.png", ClasspathFile.PNG),
                "swagger-initializer.js", new ClasspathFile("web/docs/swagger-initializer.js", ClasspathFile.JAVASCRIPT));
        for (ServedDocuments.Document shown : ServedDocuments.shown()) {
            specs.put(shown.file(), new ClasspathFile(ContractDocuments.DIRECTORY + shown.file(), ClasspathFile.YAML));
        }
        swaggerConfig = swaggerConfig(ServedDocuments.shown());
    }

    /** {@code urls} and {@code urls.primaryName}: every shown document, the first the default. */
    private static String swaggerConfig(List<ServedDocuments.Document> shown) {
        List<Map<String, String>> urls = shown.stream()
                .map(document -> Map.of("name", document.title(), "url", "/docs/specs/" + document.file())).toList();
        try {
            return new ObjectMapper().writeValueAsString(Map.of("urls", urls, "urls.primaryName", shown.get(0).title()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write Swagger UI's configuration", e);
        }
    }

    private static ClasspathFile swaggerUi(WebJarVersionLocator webjars, String file, String mediaType) {
        String location = webjars.fullPath("swagger-ui", file);
        if (location == null) {
            throw new IllegalStateException("the swagger-ui webjar is not on the class path");
        }
        return new ClasspathFile(location, mediaType);
    }

    @Override
    public Response getDocsPage() {
        return page.ok().header("Content-Security-Policy", CONTENT_SECURITY_POLICY).build();
    }

    @Override
    public Response getDocsAsset(String file) {
        if (file.equals(SWAGGER_CONFIG)) {
            return Response.ok(swaggerConfig, MediaType.APPLICATION_JSON_TYPE).build();
        }
        return ClasspathFile.serve(assets, file);
    }

    @Override
    public Response getDocsSpec(String file) {
        return ClasspathFile.serve(specs, file);
    }
}
