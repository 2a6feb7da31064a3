package dev.portaltoken.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Caching and hardening headers: nothing under {@code /api/} (tokens, errors) may be stored by any
 * cache; the JWKS may be cached for no longer than the servers take to pick up a key rotation; the
 * OpenAPI documents, which change only with a release, for {@value #DOCUMENTS_MAX_AGE_SECONDS} s.
 */
final class ResponseHeadersFilter implements ContainerResponseFilter {
    /** How long the OpenAPI documents may be cached: a new release is seen within this time. */
    static final int DOCUMENTS_MAX_AGE_SECONDS = 300;
    private static final String DOCUMENTS_CACHE_CONTROL = "public, max-age=" + DOCUMENTS_MAX_AGE_SECONDS;

    private final String jwksCacheControl;

    /** @param jwksMaxAgeSeconds how long verifiers may cache the JWKS: at most the key refresh interval */
    ResponseHeadersFilter(long jwksMaxAgeSeconds) {
        this.jwksCacheControl = "public, max-age=" + jwksMaxAgeSeconds;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        var headers = response.getHeaders();
        headers.putSingle("X-Content-Type-Options", "nosniff");
        if (path.equals(".well-known/jwks.json") && response.getStatus() == 200) {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, jwksCacheControl);
        } else if (isDocument(path) && response.getStatus() == 200) {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, DOCUMENTS_CACHE_CONTROL);
        } else {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }

    private static boolean isDocument(String path) {
        return path.equals("openapi.yaml") || path.equals("openapi.json") || path.startsWith("openapi/");
    }
}
