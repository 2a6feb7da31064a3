package dev.portaltoken.ratelimit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.portaltoken.config.RateLimitConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A token bucket per API key (Bucket4j, in memory): {@code burst} requests at once, refilled at
 * {@code perSecond}. Each instance holds its own buckets. Per instance (the default), each enforces
 * {@code 1/instances} of the configured limit, so N instances behind a fair load balancer allow the
 * configured total; in cluster mode each holds the whole limit and {@link ClusterRateLimits} takes
 * what the others consumed out of its buckets every second. Neither makes a database round trip per
 * request. Buckets of keys idle for ten minutes are dropped. Thread-safe.
 */
public final class KeyRateLimiter {
    /** The outcome for one request, with what the {@code RateLimit-*} headers report. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final long capacity;
    private final long perSecond;
    private final LoadingCache<UUID, Bucket> buckets;
    /**
     * Cluster mode: requests taken here per key since start, never reset (the others compare running
     * totals). Striped: a sum read while requests are taken may miss them, never more than until the next read.
     */
    private final Map<UUID, LongAdder> totals;

    public KeyRateLimiter(RateLimitConfig config) {
        this(config, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** @param time the clock buckets refill by (tests advance their own) */
    public KeyRateLimiter(RateLimitConfig config, TimeMeter time) {
        int share = config.cluster() ? 1 : config.instances();
        this.capacity = Math.max(1, config.burst() / share);
        this.perSecond = config.perSecond() == 0 ? 0 : Math.max(1, config.perSecond() / share);
        this.totals = config.cluster() ? new ConcurrentHashMap<>() : null;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000)
                .build(key -> Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity)
                        .refillGreedy(Math.max(1, perSecond), Duration.ofSeconds(1)).build())
                        .withCustomTimePrecision(time).build());
    }

    /** True when per-key limiting is on. */
    public boolean enabled() {
        return perSecond > 0;
    }

    /** Takes one request from the key's bucket. */
    public Decision acquire(UUID apiKeyId) {
        ConsumptionProbe probe = buckets.get(apiKeyId).tryConsumeAndReturnRemaining(1);
        if (totals != null && probe.isConsumed()) {
            LongAdder total = totals.get(apiKeyId);
            (total != null ? total : totals.computeIfAbsent(apiKeyId, key -> new LongAdder())).increment();
        }
        long remaining = probe.getRemainingTokens();
        long reset = ceilDiv(capacity - remaining, perSecond);
        long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilNanos(probe.getNanosToWaitForRefill()));
        return new Decision(probe.isConsumed(), capacity, remaining, reset, retryAfter);
    }

    /** Cluster mode: the requests taken here per key since start. */
    Map<UUID, Long> totals() {
        Map<UUID, Long> now = new HashMap<>();
        if (totals != null) {
            totals.forEach((key, total) -> now.put(key, total.sum()));
        }
        return now;
    }

    /** Cluster mode: {@code tokens} requests of this key were taken by other instances. */
    void consumedElsewhere(UUID apiKeyId, long tokens) {
        buckets.get(apiKeyId).consumeIgnoringRateLimits(tokens);
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    static long ceilNanos(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
