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
 * No route specifies OPTIONS (no CORS preflight is served), but Jersey answers it on every route with
 * 200 and a plain-text list of methods. It becomes what any other unspecified method gets: 405 with
 * the contract's error body, keeping the {@code Allow} header.
 */
final class OptionsFilter implements ContainerResponseFilter {
    private final ErrorRenderer renderer;

    OptionsFilter(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"OPTIONS".equals(request.getMethod()) || response.getStatus() != 200) {
            return;
        }
        String allow = response.getHeaderString(HttpHeaders.ALLOW);
        Response answer = renderer.response(allow == null ? new ApiException(405, "method not allowed here")
                : ErrorMapper.methodNotAllowed(allow));
        response.setStatus(answer.getStatus());
        response.setEntity(answer.getEntity(), null, MediaType.APPLICATION_JSON_TYPE);
    }
}
