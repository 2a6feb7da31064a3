package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.metrics.Metrics;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One log line and one metrics sample per request: method, route template (never the raw path, so
 * neither aliases nor anything else a caller sent end up in logs or label values), status,
 * duration, tenant and request id. {@code X-Request-Id} is taken from the request when it is a sane
 * value, generated otherwise, and echoed in the response. Nothing from headers or bodies is logged.
 */
@PreMatching
@Priority(0)
final class RequestLogFilter implements ContainerRequestFilter, ContainerResponseFilter {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String MDC_REQUEST_ID = "request_id";
    private static final Logger LOG = LoggerFactory.getLogger("http.request");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String STARTED = RequestLogFilter.class.getName() + ".started";
    private static final String REQUEST_ID = RequestLogFilter.class.getName() + ".id";

    private final Metrics metrics;

    RequestLogFilter(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Starts the request: no caller yet (whatever this thread's last request left is dropped), its
     * start time and id; a path with matrix parameters ({@code ;name=value} in a segment) is refused
     * here, before routing, since no route declares any and Jersey would match such a path as
     * though they were not there.
     */
    @Override
    public void filter(ContainerRequestContext request) {
        CurrentCaller.clear();
        request.setProperty(STARTED, System.nanoTime());
        String given = request.getHeaderString(REQUEST_ID_HEADER);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : Uuids.unique().toString();
        request.setProperty(REQUEST_ID, id);
        MDC.put(MDC_REQUEST_ID, id);
        if (request.getUriInfo().getRequestUri().getRawPath().indexOf(';') >= 0) {
            throw ApiException.badRequest("matrix parameters (';' in the path) are not accepted");
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(STARTED);
        long nanos = started instanceof Long t ? System.nanoTime() - t : 0;
        Object id = request.getProperty(REQUEST_ID);
        if (id != null) {
            response.getHeaders().putSingle(REQUEST_ID_HEADER, id);
        }
        String route = route(request);
        int status = response.getStatus();
        Caller caller = CurrentCaller.orNull();
        String tenant = caller != null ? caller.tenantSlug() : "-";
        String method = Metrics.methodLabel(request.getMethod()); // a made-up method is not logged verbatim either
        metrics.request(method, route, status, nanos);
        LOG.atInfo()
                .addKeyValue("method", method)
                .addKeyValue("route", route)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", nanos / 1_000_000.0)
                .addKeyValue("tenant", tenant)
                .addKeyValue("request_id", id)
                .log("{} {} {} {}ms tenant={} request_id={}", method, route, status, millis(nanos), tenant,
                        id);
        MDC.remove(MDC_REQUEST_ID);
        CurrentCaller.clear();
    }

    /** Milliseconds with one decimal, rounded half up, e.g. {@code 12.3} (as {@code %.1f}, without a Formatter). */
    static String millis(long nanos) {
        long tenths = (nanos + 50_000) / 100_000;
        return tenths / 10 + "." + tenths % 10;
    }

    /** The matched route template, e.g. {@code /api/v1/customers/{id_or_alias}/portal-token}. */
    static String route(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
            return "unmatched";
        }
        List<UriTemplate> templates = info.getMatchedTemplates();
        if (templates.isEmpty()) {
            return "unmatched";
        }
        StringBuilder route = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String part = templates.get(i).getTemplate();
            if (!part.isEmpty() && !part.equals("/")) {
                route.append(part.startsWith("/") ? part : "/" + part);
            }
        }
        return route.length() == 0 ? "/" : route.toString().replace("//", "/");
    }
}
