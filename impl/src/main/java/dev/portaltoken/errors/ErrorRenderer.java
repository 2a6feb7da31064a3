package dev.portaltoken.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.api.model.ErrorCode;
import dev.portaltoken.api.model.RestErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Renders every error answer of the server, Jersey's and Grizzly's alike, as the contract's
 * {@code RestErrorResponse}: the same status, code, message and headers whichever layer refuses the
 * request. Thread-safe; build one and share it.
 */
public final class ErrorRenderer {
    private final ObjectMapper mapper;

    public ErrorRenderer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The answer Jersey sends (from an exception mapper or a filter). */
    public Response response(ApiException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(e));
        e.headers().forEach(response::header);
        return response.build();
    }

    /** The JSON body, for the HTTP layer's own answers given before a request reaches Jersey. */
    public byte[] json(ApiException e) {
        try {
            return mapper.writeValueAsBytes(body(e));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write an error body", impossible);
        }
    }

    private static RestErrorResponse body(ApiException e) {
        return new RestErrorResponse(ErrorCode.valueOf(e.code().name()), e.getMessage());
    }
}
