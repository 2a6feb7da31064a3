package dev.portaltoken.ratelimit;

import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the per-key buckets of every instance ({@link KeyRateLimiter} in cluster mode) near one
 * shared bucket, in the manner of Kong's {@code cluster} policy with a sync interval: each instance
 * counts locally, and every {@link #INTERVAL} writes its running total per API key to PostgreSQL and
 * reads the others', taking what they consumed since the last read out of its own buckets
 * ({@code consumeIgnoringRateLimits}, which may leave them below zero). No request waits for the
 * database. Until an instance hears of the others' requests (at most about two intervals later), it
 * may admit some of the same tokens again: the overshoot bound in docs/operations.md. While the
 * database cannot be reached, each instance goes on alone with the whole limit (one WARN), and
 * catches up with the others' totals when it is back. Thread-safe.
 */
public final class ClusterRateLimits implements Managed {
    /** How often the totals are exchanged: at most once a second, never per request. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Re-reads start this long before the previous read, so rows of transactions still open then are seen. */
    private static final Duration READ_OVERLAP = Duration.ofSeconds(2);
    private static final int DELETE_IDLE_EVERY = 60;
    /** Rows not read for this many syncs (ten minutes) are forgotten: they are deleted from the table by then. */
    private static final int FORGET_AFTER = 600;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRateLimits.class);

    private record Seen(UUID apiKeyId, UUID instanceId) {
    }

    private final KeyRateLimiter limiter;
    private final RateLimitRepository repository;
    private final UUID instanceId = UUID.randomUUID();
    private volatile BackgroundTasks.Task syncing;
    /** The others' totals as last read, and at which sync; only the sync thread touches it. */
    private final Map<Seen, long[]> seen = new HashMap<>();
    /** This instance's totals as last written; only the sync thread touches it. */
    private final Map<UUID, Long> written = new HashMap<>();
    private Instant lastRead;
    private int syncs;
    private boolean failing;

    /** Exchanges nothing until started. */
    public ClusterRateLimits(KeyRateLimiter limiter, DataSource dataSource) {
        this.limiter = limiter;
        this.repository = new RateLimitRepository(dataSource);
    }

    /** Exchanges the limiter's totals through the database every {@link #INTERVAL}, as a task of {@code tasks}. */
    @Override
    public void start(BackgroundTasks tasks) {
        syncing = tasks.every("rate-limit-sync", Duration.ZERO, INTERVAL, this::syncQuietly);
    }

    private void syncQuietly() {
        try {
            sync();
            if (failing) {
                failing = false;
                LOG.info("rate limits are shared with the other instances again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("cannot share the rate limits with the other instances ({}): this one enforces them alone"
                        + " until the database answers", e.getMessage());
            } else {
                LOG.debug("still cannot share the rate limits: {}", e.getMessage());
            }
        }
    }

    private void sync() {
        Map<UUID, Long> changed = new HashMap<>();
        limiter.totals().forEach((key, total) -> {
            if (!total.equals(written.get(key))) {
                changed.put(key, total);
            }
        });
        Instant previous = lastRead;
        Instant since = previous == null ? Instant.EPOCH : previous.minus(READ_OVERLAP);
        int sync = ++syncs;
        Instant now = repository.sync(instanceId, changed, since, (key, instance, total, createdAt) -> {
            long[] before = seen.put(new Seen(key, instance), new long[] {total, sync});
            // A row never seen before counts whole when it appeared since the last read; at the first read what
            // the others had counted until then is taken as spent before this instance started.
            long base = before != null ? before[0]
                    : previous != null && createdAt.isAfter(previous.minus(READ_OVERLAP)) ? 0 : total;
            if (total > base) {
                limiter.consumedElsewhere(key, total - base);
            }
        });
        written.putAll(changed);
        lastRead = now;
        if (sync % DELETE_IDLE_EVERY == 0) {
            repository.deleteIdle();
            seen.values().removeIf(entry -> entry[1] < sync - FORGET_AFTER);
        }
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = syncing;
        if (task != null) {
            task.close();
        }
    }
}
