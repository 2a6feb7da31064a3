package dev.portaltoken.token;

import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.util.DaemonThreads;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which portal tokens are revoked, known to every instance at once: revoked token ids and
 * customer-wide cut-offs ("every token issued before"), held in memory so that checking a token
 * costs two map look-ups. A revocation made here is written to PostgreSQL and applied here before
 * the call returns; one made on another instance arrives through its change announcement
 * ({@link #onTokenRevoked}, {@link #onCustomerRevoked}), within a second. Should an announcement be
 * lost, the rows recorded since the last read are re-read every {@code safetyInterval}, and all of
 * them after a reconnect ({@link #reload}). Rows whose tokens have all expired are deleted then, so
 * storage stays bounded by the revocations of the last 30 days. Thread-safe.
 */
public final class Revocations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    /** How long a customer cut-off is kept: every token it revokes has expired by then. */
    public static final Duration CUT_OFF_KEPT = Duration.ofSeconds(TokenLifetime.MAX_SECONDS).plusHours(1);
    /** Re-reads start this much before the previous read, so rows of transactions still open then are seen. */
    private static final Duration READ_OVERLAP = Duration.ofMinutes(1);

    private record CustomerKey(UUID tenantId, UUID customerId) {
    }

    private final RevocationRepository repository;
    private final Clock clock;
    private final Map<UUID, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<CustomerKey, Long> customers = new ConcurrentHashMap<>();
    private final AtomicBoolean loaded = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("revocations-refresh");
    private volatile Instant lastRead = Instant.EPOCH;

    private Revocations(DataSource dataSource, Clock clock) {
        this.repository = new RevocationRepository(dataSource);
        this.clock = clock;
    }

    /**
     * Reads the revocations now if the database answers (else at the first refresh), then re-reads
     * what was recorded since every {@code safetyInterval}.
     */
    public static Revocations start(DataSource dataSource, Clock clock, Duration safetyInterval) {
        Revocations revocations = new Revocations(dataSource, clock);
        revocations.refreshQuietly();
        long millis = safetyInterval.toMillis();
        revocations.scheduler.scheduleWithFixedDelay(revocations::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return revocations;
    }

    /** True once the revocations have been read: before that no token can be said to be active. */
    public boolean loaded() {
        return loaded.get();
    }

    /**
     * True when the token with this id, of this customer, issued at {@code issuedTicks}, is revoked.
     *
     * @param issuedTicks when it was issued, in ticks of 1/4096 ms ({@link TokenIds})
     */
    public boolean isRevoked(UUID jti, UUID tenantId, UUID customerId, long issuedTicks) {
        if (tokens.containsKey(jti)) {
            return true;
        }
        Long cutOff = customers.get(new CustomerKey(tenantId, customerId));
        return cutOff != null && issuedTicks < cutOff;
    }

    /** Revokes one token until it expires; applied here at once, announced to the others. */
    public void revokeToken(UUID jti, UUID tenantId, Instant expiresAt) throws SQLException {
        repository.revokeToken(jti, tenantId, expiresAt);
        tokens.put(jti, expiresAt);
    }

    /** Revokes every token of the customer issued before {@code cutOffTicks}; applied here at once. */
    public void revokeCustomer(UUID tenantId, UUID customerId, long cutOffTicks) throws SQLException {
        repository.revokeCustomer(tenantId, customerId, cutOffTicks,
                TokenIds.instant(cutOffTicks).plus(CUT_OFF_KEPT));
        customers.merge(new CustomerKey(tenantId, customerId), cutOffTicks, Math::max);
    }

    /** Applies another instance's token revocation: {@code "<jti> <tenant id> <expiry epoch seconds>"}. */
    public void onTokenRevoked(String payload) {
        String[] parts = payload.split(" ");
        tokens.put(UUID.fromString(parts[0]), Instant.ofEpochSecond(Long.parseLong(parts[2])));
    }

    /** Applies another instance's customer-wide revocation: {@code "<tenant id> <customer id> <cut-off ticks>"}. */
    public void onCustomerRevoked(String payload) {
        String[] parts = payload.split(" ");
        customers.merge(new CustomerKey(UUID.fromString(parts[0]), UUID.fromString(parts[1])),
                Long.parseLong(parts[2]), Math::max);
    }

    /** Re-reads every revocation (announcements may have been missed, e.g. while disconnected). */
    public void reload() {
        lastRead = Instant.EPOCH;
        refreshQuietly();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not re-read the token revocations, keeping what is known: {}", e.getMessage());
        }
    }

    /** Reads what was recorded since the last read, drops what has expired, here and in the database. */
    private void refresh() throws SQLException {
        Instant readStart = repository.now();
        Instant since = lastRead.equals(Instant.EPOCH) ? Instant.EPOCH : lastRead.minus(READ_OVERLAP);
        repository.tokensSince(since, (jti, tenantId, expiresAt) -> tokens.put(jti, expiresAt));
        repository.customersSince(since, (tenantId, customerId, ticks) ->
                customers.merge(new CustomerKey(tenantId, customerId), ticks, Math::max));
        lastRead = readStart;
        loaded.set(true);
        Instant now = clock.instant();
        tokens.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
        long keptSince = TokenIds.ticks(now.minus(CUT_OFF_KEPT));
        customers.values().removeIf(cutOff -> cutOff < keptSince);
        int deleted = repository.deleteExpired();
        if (deleted > 0) {
            LOG.debug("deleted {} revocation rows whose tokens have all expired", deleted);
        }
    }

    /** How many revocations are held in memory (tokens, customers), for metrics and tests. */
    int[] sizes() {
        return new int[] {tokens.size(), customers.size()};
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
