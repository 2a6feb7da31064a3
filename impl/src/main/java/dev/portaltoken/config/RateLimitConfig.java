package dev.portaltoken.config;

/**
 * Rate limits for the whole deployment; each of {@code instances} instances enforces its share.
 *
 * @param perSecond          sustained requests per second per API key; 0 disables per-key limiting
 * @param burst              token-bucket size per API key
 * @param authFailuresPerMinute failed authentications per client address per minute
 * @param instances          how many instances share the limits
 */
public record RateLimitConfig(int perSecond, int burst, int authFailuresPerMinute, int instances) {
}
