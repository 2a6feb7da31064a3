package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.ErrorRenderer;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure in the Jersey pipeline becomes an {@link ApiException} answered by the one
 * {@link ErrorRenderer}: ours as thrown, Jersey's own (no route, wrong method or media type, a body
 * that breaks off) as the contract's codes, and anything else as a 500 that carries only a
 * correlation id, logged with the cause, never the exception's text.
 */
final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final ErrorRenderer renderer;

    ErrorMapper(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public Response toResponse(Throwable e) {
        return renderer.response(translate(e));
    }

    private static ApiException translate(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof NotFoundException) {
            return ApiException.notFound("no such resource");
        }
        if (e instanceof NotAllowedException) {
            String allow = ((WebApplicationException) e).getResponse().getHeaderString(HttpHeaders.ALLOW);
            return allow == null ? new ApiException(405, "method not allowed here") : methodNotAllowed(allow);
        }
        if (e instanceof NotSupportedException) {
            return ApiException.badRequest("Content-Type must be application/json (or send no body)");
        }
        if (e instanceof ProcessingException && causedByIo(e)) {
            return ApiException.badRequest("request body was not received completely");
        }
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            return new ApiException(status, "the request could not be processed (HTTP " + status + ")");
        }
        String correlationId = UUID.randomUUID().toString();
        LOG.error("unexpected failure, correlation id {}", correlationId, e);
        return new ApiException(500, "internal error; quote correlation id " + correlationId + " when reporting it");
    }

    /**
     * 405 with the {@code Allow} header of the route: the methods it serves, HEAD with GET (Jersey
     * answers it), never OPTIONS (no route serves it; it is answered 405 too, see {@link
     * ResponseFilter}), in one order, whichever of Jersey's lists it is given.
     */
    static ApiException methodNotAllowed(String allow) {
        java.util.Set<String> given = java.util.Arrays.stream(allow.split(",")).map(String::strip)
                .map(method -> method.toUpperCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        if (given.contains("GET")) {
            given.add("HEAD");
        }
        String allowed = java.util.stream.Stream.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
                .filter(given::contains).collect(java.util.stream.Collectors.joining(", "));
        return new ApiException(405, "method not allowed here; allowed: " + allowed)
                .withHeader(HttpHeaders.ALLOW, allowed);
    }

    /** A request whose body breaks off (client gone, read timed out) is the client's failure, not ours. */
    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
