package dev.portaltoken.http;

import dev.portaltoken.api.model.ErrorCode;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.metrics.Metrics;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Authenticates every request routed under {@code /api/} by its {@code Authorization: Bearer <api key>}
 * and puts the caller's tenant on the request's {@link jakarta.ws.rs.core.SecurityContext}. It runs
 * after routing (so logs and metrics know the route) and before the body is read. Failures answer
 * 401 with {@code WWW-Authenticate: Bearer} and are counted by reason.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter implements ContainerRequestFilter {
    static final String CALLER_PROPERTY = Caller.class.getName();
    private static final String BEARER = "bearer ";

    private final ApiKeyAuthenticator authenticator;
    private final Metrics metrics;

    public AuthenticationFilter(ApiKeyAuthenticator authenticator, Metrics metrics) {
        this.authenticator = authenticator;
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("api/") || path.startsWith("/api/"))) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            reject(request, "missing", "missing API key: send Authorization: Bearer <api key>");
            return;
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            reject(request, "malformed", "malformed Authorization header: expected Bearer <api key>");
            return;
        }
        Optional<Caller> caller;
        try {
            caller = authenticator.authenticate(header.substring(BEARER.length()).trim());
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        if (caller.isEmpty()) {
            reject(request, "invalid", "invalid API key");
            return;
        }
        request.setProperty(CALLER_PROPERTY, caller.get());
        request.setSecurityContext(new CallerSecurityContext(caller.get(), request.getSecurityContext().isSecure()));
    }

    private void reject(ContainerRequestContext request, String reason, String message) {
        metrics.authFailure(reason);
        request.abortWith(ErrorResponses.builder(401, ErrorCode.UNAUTHORIZED, message)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portal-token\"")
                .build());
    }
}
