package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Turns Jersey's own failures (no route, wrong method, wrong media type) into the contract's error
 * body. A wrong request Content-Type is answered 400, a status the contract declares, not 415.
 */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    private final UnexpectedExceptionMapper unexpected;

    public WebApplicationExceptionMapper(UnexpectedExceptionMapper unexpected) {
        this.unexpected = unexpected;
    }

    @Override
    public Response toResponse(WebApplicationException e) {
        if (e instanceof NotFoundException) {
            return ErrorResponses.of(404, ErrorCode.NOT_FOUND, "no such resource");
        }
        if (e instanceof NotAllowedException) {
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return ErrorResponses.builder(405, ErrorCode.BAD_REQUEST,
                            "method not allowed here" + (allow == null ? "" : "; allowed: " + allow))
                    .header(HttpHeaders.ALLOW, allow)
                    .build();
        }
        if (e instanceof NotSupportedException) {
            return ErrorResponses.of(400, ErrorCode.BAD_REQUEST,
                    "Content-Type must be application/json (or send no body)");
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected.toResponse(e);
        }
        return ErrorResponses.of(status, status == 404 ? ErrorCode.NOT_FOUND : ErrorCode.BAD_REQUEST,
                "the request could not be processed (HTTP " + status + ")");
    }
}
