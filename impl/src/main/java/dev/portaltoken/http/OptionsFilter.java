package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import dev.portaltoken.api.model.RestErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * No route specifies OPTIONS (this API serves no browsers, so no CORS preflight), but Jersey answers
 * it on every route with 200 and a plain-text list of methods. It becomes what any other unspecified
 * method gets: 405 with the contract's error body, keeping the {@code Allow} header.
 */
public final class OptionsFilter implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"OPTIONS".equals(request.getMethod()) || response.getStatus() != 200) {
            return;
        }
        String allow = response.getHeaderString(HttpHeaders.ALLOW);
        response.setStatus(405);
        response.setEntity(new RestErrorResponse(ErrorCode.BAD_REQUEST,
                        "method not allowed here" + (allow == null ? "" : "; allowed: " + allow)),
                null, MediaType.APPLICATION_JSON_TYPE);
    }
}
