package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * This API speaks JSON only. A body sent without any Content-Type is read as JSON (minimal clients
 * omit it), and {@code Accept} is not negotiated: every resource answers in the one type it
 * produces (JSON; Prometheus text for /metrics), so a client asking for something else gets that
 * rather than a 406 the contract does not declare. At {@code /} a browser's {@code Accept} is kept as
 * {@code text/html}, so {@link HomeResource} can give it a page.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
final class JsonOnlyFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        var headers = request.getHeaders();
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && !isMediaType(contentType)) {
            throw ApiException.badRequest("Content-Type is not a valid media type; send application/json (or no body)");
        }
        if (request.hasEntity() && request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
            headers.putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && !accept.equals(MediaType.WILDCARD)) { // no Accept already means anything
            // The one exception: GET / tells browsers (a start page) from API clients (a JSON 404).
            String path = request.getUriInfo().getPath();
            boolean browserAtRoot = (path.isEmpty() || path.equals("/")) && HomeResource.asksForHtml(accept);
            headers.putSingle(HttpHeaders.ACCEPT, browserAtRoot ? MediaType.TEXT_HTML : MediaType.WILDCARD);
        }
    }

    private static boolean isMediaType(String value) {
        try {
            MediaType type = MediaType.valueOf(value);
            // A wildcard (*/*, application/*) may be asked for in Accept, but names no content.
            return !type.getType().isEmpty() && !type.getSubtype().isEmpty() && !type.isWildcardType()
                    && !type.isWildcardSubtype();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
