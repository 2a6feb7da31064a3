package dev.portaltoken.http;

import dev.portaltoken.api.PortalApi;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The reference customer portal landing page ({@code /portal/customer}) and its script and style
 * sheet. The page verifies the token in the browser; the server never reads it. Thread-safe.
 */
final class PortalPageResource implements PortalApi {
    /**
     * Scripts, styles and fetches (the JWKS) from this origin only, no inline script or style, no
     * plugins, forms or framing; the favicon is an empty data: URL.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ClasspathFile page = new ClasspathFile("web/portal/customer.html", ClasspathFile.HTML);
    private final Map<String, ClasspathFile> assets = Map.of(
            "portal.js", new ClasspathFile("web/portal/portal.js", ClasspathFile.JAVASCRIPT),
            "portal.css", new ClasspathFile("web/portal/portal.css", ClasspathFile.CSS));

    @Override
    public Response getPortalPage(String token) {
        // The token stays in the browser: not read here, and never sent on as a Referer.
        return page.ok()
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    @Override
    public Response getPortalAsset(String file) {
        return ClasspathFile.serve(assets, file);
    }
}
