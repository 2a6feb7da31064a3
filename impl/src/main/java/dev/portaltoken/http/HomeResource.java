package dev.portaltoken.http;

import dev.portaltoken.api.HomeApi;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /}: a start page for browsers, linking what this server serves; every other client
 * gets the JSON 404 an unknown route gets, so API clients see no change. A browser is a request
 * whose {@code Accept} names {@code text/html} itself (a wildcard alone, as curl sends, is not);
 * {@link JsonOnlyFilter} keeps that much of the {@code Accept} of this route. Thread-safe: the
 * headers are Jersey's per-request proxy.
 */
final class HomeResource implements HomeApi {
    /** No script at all; styles (the portal page's sheet) from this origin only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ClasspathFile page = new ClasspathFile("web/home/index.html", ClasspathFile.HTML);
    @Context
    private HttpHeaders headers;

    /** Whether an {@code Accept} header asks for HTML by name (with a quality above 0). */
    static boolean asksForHtml(String accept) {
        for (String entry : accept.split(",")) {
            try {
                MediaType type = MediaType.valueOf(entry.strip());
                String quality = type.getParameters().getOrDefault("q", "1");
                if (!type.isWildcardType() && type.isCompatible(MediaType.TEXT_HTML_TYPE)
                        && Double.parseDouble(quality) > 0) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not a media type: asks for nothing (NumberFormatException included)
            }
        }
        return false;
    }

    @Override
    public Response getHomePage() {
        if (headers.getAcceptableMediaTypes().stream()
                .noneMatch(type -> !type.isWildcardType() && type.isCompatible(MediaType.TEXT_HTML_TYPE))) {
            throw ApiException.notFound("no such resource");
        }
        return page.ok().header("Content-Security-Policy", CONTENT_SECURITY_POLICY).build();
    }
}
