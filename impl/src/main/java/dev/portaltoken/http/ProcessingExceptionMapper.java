package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;

/**
 * A request whose body breaks off (client gone, read timed out) is the client's failure: 400, not
 * 500. Any other processing failure is unexpected.
 */
public final class ProcessingExceptionMapper implements ExceptionMapper<ProcessingException> {
    private final UnexpectedExceptionMapper unexpected;

    public ProcessingExceptionMapper(UnexpectedExceptionMapper unexpected) {
        this.unexpected = unexpected;
    }

    @Override
    public Response toResponse(ProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return ErrorResponses.of(400, ErrorCode.BAD_REQUEST, "request body was not received completely");
            }
        }
        return unexpected.toResponse(e);
    }
}
