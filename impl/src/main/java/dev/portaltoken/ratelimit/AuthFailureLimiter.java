package dev.portaltoken.ratelimit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.portaltoken.config.RateLimitConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Limits failed authentications per client address (a token bucket per address, refilled at
 * {@code authFailuresPerMinute / instances} a minute), so that guessing keys is slow. Only failures
 * take tokens: an address's successful calls never count against it. Thread-safe.
 */
public final class AuthFailureLimiter {
    private final LoadingCache<String, Bucket> buckets;

    public AuthFailureLimiter(RateLimitConfig config) {
        this(config, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** @param time the clock buckets refill by (tests advance their own) */
    public AuthFailureLimiter(RateLimitConfig config, TimeMeter time) {
        long perMinute = Math.max(1, config.authFailuresPerMinute() / config.instances());
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000)
                .build(address -> Bucket.builder().addLimit(Bandwidth.builder().capacity(perMinute)
                        .refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                        .withCustomTimePrecision(time).build());
    }

    /**
     * @return 0 when {@code address} may still fail, else the whole seconds until it may again
     */
    public long blockedForSeconds(String address) {
        Bucket bucket = buckets.getIfPresent(address);
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return 0;
        }
        return Math.max(1, KeyRateLimiter.ceilNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    }

    public void recordFailure(String address) {
        buckets.get(address).tryConsume(1);
    }
}
