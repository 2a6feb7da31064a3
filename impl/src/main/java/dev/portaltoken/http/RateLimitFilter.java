package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * The per-API-key limit on authenticated calls (bound, as {@link AuthenticationFilter} is, to the
 * routes that require a key): over it, 429 {@code TOO_MANY_REQUESTS} with
 * {@code Retry-After} (whole seconds). Every answer to an authenticated call carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds until the
 * bucket is full again).
 */
@Authenticated
@Priority(Priorities.AUTHORIZATION)
final class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String DECISION = KeyRateLimiter.Decision.class.getName();

    private final KeyRateLimiter limiter;
    private final Metrics metrics;

    RateLimitFilter(KeyRateLimiter limiter, Metrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Caller caller = CurrentCaller.orNull();
        if (!limiter.enabled() || caller == null) {
            return;
        }
        KeyRateLimiter.Decision decision = limiter.acquire(caller.apiKeyId());
        request.setProperty(DECISION, decision);
        if (!decision.allowed()) {
            metrics.rateLimited("api_key");
            throw ApiException.tooManyRequests("rate limit of this API key exceeded; retry in "
                    + decision.retryAfterSeconds() + " s", decision.retryAfterSeconds());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof KeyRateLimiter.Decision decision) {
            var headers = response.getHeaders();
            headers.putSingle("RateLimit-Limit", decision.limit());
            headers.putSingle("RateLimit-Remaining", decision.remaining());
            headers.putSingle("RateLimit-Reset", decision.resetSeconds());
        }
    }
}
