package dev.portaltoken.http;

import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.ratelimit.AuthFailureLimiter;
import dev.portaltoken.ratelimit.ClientAddresses;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.glassfish.grizzly.http.server.Request;

/**
 * Authenticates every request routed to a resource method that requires a key ({@link Authenticated})
 * by its {@code Authorization: Bearer <api key>} and makes the caller the request's
 * {@link CurrentCaller}. Bound to the matched route, not to a path prefix: however a path is spelt,
 * a request that reaches such a method has passed here. It runs after routing (so logs and metrics
 * know the route) and before the body is read. Failures answer 401 with
 * {@code WWW-Authenticate: Bearer} and are counted by reason.
 *
 * <p>Failures are also limited per client address (an IPv6 client by its /64): once an address has
 * used up its allowance, its failing requests answer 429 instead of 401. Only failing requests are
 * throttled: every key is still verified, so a valid key is never refused for other callers'
 * failures from the same address (a shared NAT, a proxy that is not trusted, a fresh restart).
 */
@Authenticated
@Priority(Priorities.AUTHENTICATION)
final class AuthenticationFilter implements ContainerRequestFilter {
    private static final String BEARER = "bearer ";

    private final ApiKeyAuthenticator authenticator;
    private final AuthFailureLimiter failures;
    private final ClientAddresses addresses;
    private final Metrics metrics;

    /** The connection behind the current request; Jersey's Grizzly container provides it per request. */
    @Inject
    private Provider<Request> connection;

    AuthenticationFilter(ApiKeyAuthenticator authenticator, AuthFailureLimiter failures,
                                ClientAddresses addresses, Metrics metrics) {
        this.authenticator = authenticator;
        this.failures = failures;
        this.addresses = addresses;
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String key = bearerKey(header);
        Optional<Caller> verifiedRecently = key == null ? Optional.empty() : authenticator.cached(key);
        if (verifiedRecently.isPresent()) {
            CurrentCaller.set(verifiedRecently.get()); // the hot path: no address, no database
            return;
        }

        String address = addresses.resolve(connection.get().getRemoteAddr(), request.getHeaderString("X-Forwarded-For"));
        if (header == null || header.isBlank()) {
            throw reject(address, "missing", "missing API key: send Authorization: Bearer <api key>");
        }
        if (key == null) {
            throw reject(address, "malformed", "malformed Authorization header: expected Bearer <api key>");
        }
        Optional<Caller> caller = authenticator.authenticate(key);
        if (caller.isEmpty()) {
            throw reject(address, "invalid", "invalid API key");
        }
        CurrentCaller.set(caller.get());
    }

    /** The API key of an {@code Authorization: Bearer <api key>} header (any case of "Bearer"), else null. */
    static String bearerKey(String header) {
        boolean bearer = header != null && header.length() > BEARER.length()
                && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return bearer ? header.substring(BEARER.length()).trim() : null;
    }

    /** 401, or 429 once the address has used up its allowance of failures. */
    private ApiException reject(String address, String reason, String message) {
        long blockedSeconds = failures.recordFailure(address);
        if (blockedSeconds > 0) {
            metrics.rateLimited("auth_failures");
            return ApiException.tooManyRequests(
                    "too many failed authentications from your address; retry in " + blockedSeconds + " s", blockedSeconds);
        }
        metrics.authFailure(reason);
        return new ApiException(401, message).withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portal-token\"");
    }
}
