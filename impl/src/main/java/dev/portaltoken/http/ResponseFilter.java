package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.ErrorRenderer;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Every answer on its way out, in one filter (each filter costs Jersey work on every request).
 *
 * <ul>
 *   <li>OPTIONS: no route specifies it (no CORS preflight is served), but Jersey answers it on every
 *       route with 200 and a plain-text list of methods. It becomes what any other unspecified method
 *       gets: 405 with the contract's error body and the same {@code Allow} header as that 405,
 *       which does not list OPTIONS.</li>
 *   <li>Caching and hardening headers: nothing under {@code /api/} (tokens, errors) may be stored by
 *       any cache; the JWKS may be cached for no longer than the servers take to pick up a key
 *       rotation; the OpenAPI documents, which change only with a release, for
 *       {@value #DOCUMENTS_MAX_AGE_SECONDS} s.</li>
 * </ul>
 */
final class ResponseFilter implements ContainerResponseFilter {
    /** How long the OpenAPI documents may be cached: a new release is seen within this time. */
    static final int DOCUMENTS_MAX_AGE_SECONDS = 300;
    private static final String DOCUMENTS_CACHE_CONTROL = "public, max-age=" + DOCUMENTS_MAX_AGE_SECONDS;

    private final ErrorRenderer renderer;
    private final String jwksCacheControl;

    /** @param jwksMaxAgeSeconds how long verifiers may cache the JWKS: at most the key refresh interval */
    ResponseFilter(ErrorRenderer renderer, long jwksMaxAgeSeconds) {
        this.renderer = renderer;
        this.jwksCacheControl = "public, max-age=" + jwksMaxAgeSeconds;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if ("OPTIONS".equals(request.getMethod()) && response.getStatus() == 200) {
            String allow = response.getHeaderString(HttpHeaders.ALLOW);
            Response answer = renderer.response(allow == null ? new ApiException(405, "method not allowed here")
                    : ErrorMapper.methodNotAllowed(allow));
            response.setStatus(answer.getStatus());
            response.setEntity(answer.getEntity(), null, MediaType.APPLICATION_JSON_TYPE);
            if (allow != null) {
                response.getHeaders().putSingle(HttpHeaders.ALLOW, answer.getHeaderString(HttpHeaders.ALLOW));
            }
        }
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
