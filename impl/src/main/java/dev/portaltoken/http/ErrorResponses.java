package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import dev.portaltoken.api.model.RestErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds the contract's {@code RestErrorResponse} answers. */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static Response.ResponseBuilder builder(int status, ErrorCode code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new RestErrorResponse(code, message));
    }

    static Response of(int status, ErrorCode code, String message) {
        return builder(status, code, message).build();
    }
}
