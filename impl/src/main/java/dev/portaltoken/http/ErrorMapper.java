package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.errors.Failure;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure in the Jersey pipeline becomes an {@link ApiException} answered by the one
 * {@link ErrorRenderer}: the HTTP layer's as thrown, the domain's {@link Failure}s by their kind
 * ({@link #answer}), Jersey's own (no route, wrong method or media type, a body
 * that breaks off) as the contract's codes, and anything else as a 500 that carries only a
 * correlation id, never the exception's text.
 *
 * <p>Such a failure is logged as one line with its correlation id and its root cause; its stack
 * trace is logged with the first failure of each distinct cause (the exception classes of its
 * chain and where the deepest was thrown) and then at most once per {@link #TRACE_EVERY}: a database
 * that is down fails every request the same way, and would otherwise write a stack trace per
 * request. Thread-safe.
 */
final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    /** How often the stack trace of one cause is logged at most. */
    static final Duration TRACE_EVERY = Duration.ofMinutes(1);

    private final ErrorRenderer renderer;
    /** The causes whose stack trace was logged within {@link #TRACE_EVERY}. */
    private final Cache<String, Boolean> traced =
            Caffeine.newBuilder().expireAfterWrite(TRACE_EVERY).maximumSize(1_000).build();

    ErrorMapper(ErrorRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public Response toResponse(Throwable e) {
        return renderer.response(translate(e));
    }

    private ApiException translate(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof Failure failure) {
            return answer(failure);
        }
        if (e instanceof org.glassfish.jersey.server.ParamException.QueryParamException
                || e instanceof org.glassfish.jersey.server.ParamException.HeaderParamException) {
            String name = ((org.glassfish.jersey.server.ParamException) e).getParameterName();
            return ApiException.badRequest("parameter '" + name + "' does not have the type the API declares");
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            // A body Jackson reads for a resource (the admin API's): malformed, or not the declared object.
            return ApiException.badRequest("the request body is not the JSON object this operation takes");
        }
        if (e instanceof NotFoundException) {
            return ApiException.notFound("no such resource");
        }
        if (e instanceof NotAllowedException) {
            String allow = ((WebApplicationException) e).getResponse().getHeaderString(HttpHeaders.ALLOW);
            return allow == null ? new ApiException(405, "method not allowed here") : methodNotAllowed(allow);
        }
        if (e instanceof NotSupportedException) {
            return ApiException.badRequest("Content-Type must be application/json (or send no body); an import"
                    + " takes text/csv or application/x-ndjson");
        }
        if (e instanceof ProcessingException && causedByIo(e)) {
            return ApiException.badRequest("request body was not received completely");
        }
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            return new ApiException(status, "the request could not be processed (HTTP " + status + ")");
        }
        String correlationId = UUID.randomUUID().toString();
        Throwable root = root(e);
        String summary = (root.getClass().getName() + ": " + root.getMessage()).replaceAll("\\s+", " ");
        if (traced.asMap().putIfAbsent(cause(e, root), Boolean.TRUE) == null) {
            LOG.error("unexpected failure, correlation id {}: {} (its stack trace is logged once a minute at most)",
                    correlationId, summary, e);
        } else {
            LOG.error("unexpected failure, correlation id {}: {}", correlationId, summary);
        }
        return new ApiException(500, "internal error; quote correlation id " + correlationId + " when reporting it");
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        return root;
    }

    /** What tells one cause of failure from another: the chain's classes and where its deepest was thrown. */
    private static String cause(Throwable e, Throwable root) {
        StringBuilder key = new StringBuilder();
        for (Throwable t = e; t != null && t != root; t = t.getCause()) {
            key.append(t.getClass().getName()).append('<');
        }
        key.append(root.getClass().getName());
        StackTraceElement[] frames = root.getStackTrace();
        if (frames.length > 0) {
            key.append('@').append(frames[0]);
        }
        return key.toString();
    }

    /**
     * The one mapping from the domain's failures to the contract's answers. What cannot be answered
     * yet (UNAVAILABLE) is the contract's 500, which every operation declares; a stale version is
     * 412 (If-Match), a reused idempotency key 422 (as the IETF's Idempotency-Key draft says).
     */
    static ApiException answer(Failure failure) {
        int status = switch (failure.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case LIMIT_REACHED -> 429;
            case UNAVAILABLE -> 500;
            case STALE -> 412;
            case REUSED -> 422;
        };
        return new ApiException(status, failure.getMessage());
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
