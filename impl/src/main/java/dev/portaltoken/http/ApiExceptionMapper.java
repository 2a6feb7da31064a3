package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Answers an {@link ApiException} with its status, code and message. */
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
        return ErrorResponses.of(e.kind().status(), ErrorCode.valueOf(e.kind().name()), e.getMessage());
    }
}
