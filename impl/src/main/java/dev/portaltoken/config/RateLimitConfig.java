package dev.portaltoken.config;

/**
 * Rate limits for the whole deployment; each of {@code instances} instances enforces its share,
 * except the per-key limits in cluster mode, which the instances share through the database.
 *
 * @param perSecond          sustained requests per second per API key; 0 disables per-key limiting
 * @param burst              token-bucket size per API key
 * @param authFailuresPerMinute failed authentications per client address per minute
 * @param instances          how many instances share the limits
 * @param cluster            the per-key limits are shared through the database rather than divided
 */
public record RateLimitConfig(int perSecond, int burst, int authFailuresPerMinute, int instances, boolean cluster) {

    /** Per instance: each enforces {@code 1/instances}. */
    public RateLimitConfig(int perSecond, int burst, int authFailuresPerMinute, int instances) {
        this(perSecond, burst, authFailuresPerMinute, instances, false);
    }
}
