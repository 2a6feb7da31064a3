package dev.portaltoken.token;

import dev.portaltoken.keys.TokenLifetime;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which portal tokens are revoked, known to every instance at once: revoked token ids and
 * customer-wide cut-offs ("every token issued before"), held in memory so that checking a token
 * costs two probes of primitive tables. A revocation made here is written to PostgreSQL and applied
 * here before the call returns; one made on another instance arrives through its change
 * announcement ({@link #onTokenRevoked}, {@link #onCustomerRevoked}), within a second. Should an
 * announcement be lost, the rows recorded since the last read are re-read every
 * {@code safetyInterval}, and all of them after a reconnect ({@link #reload}), a page of rows at a
 * time. Rows whose tokens have all expired are deleted then, so storage stays bounded by the
 * revocations of the last 30 days, and each tenant holds at most {@code maxTokensPerTenant} revoked
 * token ids at a time.
 *
 * <p>Memory: revoked token ids and cut-offs are held in {@link IdTable}s: 25 to 31.25 bytes per
 * revoked token id (its two halves and its expiry), 35 to 44 per customer cut-off. Thread-safe.
 */
public final class Revocations implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    /** How long a customer cut-off is kept: every token it revokes has expired by then. */
    public static final Duration CUT_OFF_KEPT = Duration.ofSeconds(TokenLifetime.MAX_SECONDS).plusHours(1);
    /** Re-reads start this much before the previous read, so rows of transactions still open then are seen. */
    private static final Duration READ_OVERLAP = Duration.ofMinutes(1);

    /** What revoking one token did. */
    public enum Outcome {
        /** Revoked now. */
        REVOKED,
        /** It was revoked already. */
        ALREADY_REVOKED,
        /** Not revoked: its tenant holds the most live revoked token ids allowed. */
        TENANT_LIMIT_REACHED
    }

    private final RevocationRepository repository;
    private final Clock clock;
    private final Duration safetyInterval;
    private final int maxTokensPerTenant;
    /** Revoked token ids, each until its token expires. */
    private final IdTable tokens = new IdTable(false);
    /** Cut-off ticks by customer id, each kept for {@link #CUT_OFF_KEPT}. */
    private final IdTable customers = new IdTable(true);
    private final AtomicBoolean loaded = new AtomicBoolean();
    private volatile BackgroundTasks.Task refresher;
    private volatile Instant lastRead = Instant.EPOCH;

    /**
     * Holds nothing until started.
     *
     * @param safetyInterval     how often what was recorded is re-read, beside the notifications
     * @param maxTokensPerTenant how many unexpired revoked token ids one tenant may hold
     */
    public Revocations(DataSource dataSource, Clock clock, Duration safetyInterval, int maxTokensPerTenant) {
        this.repository = new RevocationRepository(dataSource);
        this.clock = clock;
        this.safetyInterval = safetyInterval;
        this.maxTokensPerTenant = maxTokensPerTenant;
    }

    /**
     * Reads the revocations now if the database answers (else at the first refresh), then re-reads
     * what was recorded since every safety interval, as a task of {@code tasks}.
     */
    @Override
    public void start(BackgroundTasks tasks) {
        refreshQuietly();
        refresher = tasks.every("revocations-refresh", safetyInterval, safetyInterval, this::refreshQuietly);
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
    public boolean isRevoked(UUID jti, UUID customerId, long issuedTicks) {
        return tokens.contains(jti) || issuedTicks < customers.value(customerId, Long.MIN_VALUE);
    }

    /**
     * Revokes one token until it expires, unless its tenant holds {@code maxTokensPerTenant} revoked
     * token ids already; applied here at once, announced to the others.
     */
    public Outcome revokeToken(UUID jti, UUID tenantId, Instant expiresAt) {
        Outcome outcome = repository.revokeToken(jti, tenantId, expiresAt, maxTokensPerTenant);
        if (outcome != Outcome.TENANT_LIMIT_REACHED) {
            addToken(jti, expiresAt.getEpochSecond());
        }
        return outcome;
    }

    /**
     * Revokes every token of the customer issued before the database's clock says now (or before
     * {@code atLeastTicks}, when that is later); applied here at once.
     *
     * @return the cut-off, in ticks of 1/4096 ms
     */
    public long revokeCustomer(UUID tenantId, UUID customerId, long atLeastTicks) {
        long cutOff = repository.revokeCustomer(tenantId, customerId, atLeastTicks, CUT_OFF_KEPT);
        addCutOff(customerId, cutOff);
        return cutOff;
    }

    /** Applies another instance's token revocation: {@code "<jti> <tenant id> <expiry epoch seconds>"}. */
    public void onTokenRevoked(String payload) {
        String[] parts = payload.split(" ");
        addToken(UUID.fromString(parts[0]), Long.parseLong(parts[2]));
    }

    /** Applies another instance's customer-wide revocation: {@code "<tenant id> <customer id> <cut-off ticks>"}. */
    public void onCustomerRevoked(String payload) {
        String[] parts = payload.split(" ");
        addCutOff(UUID.fromString(parts[1]), Long.parseLong(parts[2]));
    }

    /** Re-reads every revocation (announcements may have been missed, e.g. while disconnected). */
    public void reload() {
        lastRead = Instant.EPOCH;
        refreshQuietly();
    }

    private void addToken(UUID jti, long expiresAtSeconds) {
        tokens.add(jti, expiresAtSeconds);
    }

    private void addCutOff(UUID customerId, long cutOffTicks) {
        customers.put(customerId, TokenIds.instant(cutOffTicks).plus(CUT_OFF_KEPT).getEpochSecond(), cutOffTicks);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("could not re-read the token revocations, keeping what is known: {}", e.getMessage());
        }
    }

    /** Reads what was recorded since the last read, drops what has expired, here and in the database. */
    private synchronized void refresh() {
        Instant readStart = repository.now();
        Instant since = lastRead.equals(Instant.EPOCH) ? Instant.EPOCH : lastRead.minus(READ_OVERLAP);
        repository.tokensSince(since, (jti, expiresAtSeconds) -> addToken(jti, expiresAtSeconds));
        repository.customersSince(since, this::addCutOff);
        lastRead = readStart;
        loaded.set(true);
        forgetExpired(clock.instant());
        int deleted = repository.deleteExpired();
        if (deleted > 0) {
            LOG.debug("deleted {} revocation rows whose tokens have all expired", deleted);
        }
    }

    /** Forgets the revocations whose tokens have all expired. */
    private void forgetExpired(Instant now) {
        tokens.removeExpired(now.getEpochSecond());
        customers.removeExpired(now.getEpochSecond());
    }

    /** What is held in memory, for metrics and tests. */
    public Footprint footprint() {
        return new Footprint(tokens.size(), tokens.bytes(), customers.size(), customers.bytes());
    }

    /** Revoked token ids and customer cut-offs held, and the bytes their tables take. */
    public record Footprint(long tokenIds, long tokenBytes, long customerCutOffs, long customerBytes) {
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = refresher;
        if (task != null) {
            task.close();
        }
    }
}
