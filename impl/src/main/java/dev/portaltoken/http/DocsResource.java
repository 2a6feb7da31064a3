package dev.portaltoken.http;

import dev.portaltoken.api.DocsApi;
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
    /**
     * The documents Swagger UI shows (web/docs/swagger-initializer.js lists the same): the served
     * contract first, then the vendored one and ours.
     */
    static final List<String> SPECS = List.of(ContractDocuments.CONTRACT_YAML, "meteroid-portal-token.openapi.yaml",
            "portal-token-server.openapi.yaml", "operations.openapi.yaml", "pages.openapi.yaml");

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
        for (String spec : SPECS) {
            specs.put(spec, new ClasspathFile("openapi/" + spec, ClasspathFile.YAML));
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
        return ClasspathFile.serve(assets, file);
    }

    @Override
    public Response getDocsSpec(String file) {
        return ClasspathFile.serve(specs, file);
    }
}
