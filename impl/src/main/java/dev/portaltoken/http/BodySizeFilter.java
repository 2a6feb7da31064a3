package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Refuses a request whose declared Content-Length exceeds the body cap before any of it is read;
 * chunked bodies are cut off by the body reader at the same cap.
 */
@PreMatching
@Priority(1)
public final class BodySizeFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = Long.MAX_VALUE;
        }
        if (declared > PortalTokenRequestReader.MAX_BODY_BYTES) {
            request.abortWith(ErrorResponses.of(400, ErrorCode.BAD_REQUEST,
                    "request body is larger than " + PortalTokenRequestReader.MAX_BODY_BYTES + " bytes"));
        }
    }
}
