package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catch-all: logs the cause under a fresh correlation id and answers 500 with only that id,
 * never the exception's text.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        String correlationId = UUID.randomUUID().toString();
        LOG.error("unexpected failure, correlation id {}", correlationId, e);
        return ErrorResponses.of(500, ErrorCode.INTERNAL_SERVER_ERROR,
                "internal error; quote correlation id " + correlationId + " when reporting it");
    }
}
