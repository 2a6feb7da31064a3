package dev.portaltoken.ratelimit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.portaltoken.config.RateLimitConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import dev.portaltoken.config.Cidr;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Limits failed authentications per client address (a token bucket per address, refilled at
 * {@code authFailuresPerMinute / instances} a minute), so that guessing keys is slow. Only failures
 * take tokens, and only failing requests are ever refused: an address's successful calls neither
 * count against it nor are refused because of it. IPv6 clients are counted by their /64 (one host
 * usually holds a whole /64, so single addresses would be free to rotate). Thread-safe.
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
     * Counts a failed authentication from {@code address}.
     *
     * @return 0 when it was within the allowance (answer 401), else the whole seconds until the
     *         address may fail again (answer 429)
     */
    public long recordFailure(String address) {
        ConsumptionProbe probe = buckets.get(clientKey(address)).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, KeyRateLimiter.ceilNanos(probe.getNanosToWaitForRefill()));
    }

    /** What failures are counted by: an IPv4 address as it is, an IPv6 address by its /64. */
    static String clientKey(String address) {
        byte[] bytes = Cidr.literal(address);
        if (bytes == null) {
            return address; // not an IP literal: counted as sent
        }
        if (bytes.length == 4) { // IPv4, also when written as IPv4-mapped IPv6
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF))).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
