package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Refuses a request whose declared Content-Length exceeds the body cap before any of it is read;
 * chunked bodies are cut off by the body reader at the same cap. A customer import
 * ({@code POST .../customers/import}) has a cap of its own, {@link HttpLimits#MAX_IMPORT_BYTES}.
 */
@PreMatching
@Priority(1)
final class BodySizeFilter implements ContainerRequestFilter {
    private final int maxBodyBytes;

    BodySizeFilter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

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
        boolean isImport = "POST".equals(request.getMethod()) && request.getUriInfo().getPath().endsWith("/customers/import");
        if (isImport && declared > HttpLimits.MAX_IMPORT_BYTES) {
            throw ApiException.badRequest("request body is larger than " + HttpLimits.MAX_IMPORT_BYTES
                    + " bytes (the limit of an import)");
        }
        if (!isImport && declared > maxBodyBytes) {
            throw ApiException.badRequest("request body is larger than " + maxBodyBytes + " bytes");
        }
    }
}
