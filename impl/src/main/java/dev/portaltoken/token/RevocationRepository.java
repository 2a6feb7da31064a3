package dev.portaltoken.token;

import dev.portaltoken.db.Sql;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Revoked tokens and customer-wide revocations in PostgreSQL: one row per revoked token or per
 * customer, each deleted once every token it revokes has expired. Times of tokens are in ticks of
 * 1/4096 ms ({@link dev.portaltoken.ids.TokenIds}); a customer's cut-off is taken from the
 * database's clock, so that every instance's tokens are judged by one clock. Thread-safe.
 */
public final class RevocationRepository {
    /**
     * Inserts the revoked token unless its tenant holds {@code ?} unexpired revoked tokens already.
     * Concurrent revocations of one tenant can each see room for one more: the limit may be passed
     * by as many revocations as run at once, never more.
     */
    private static final String REVOKE_TOKEN = """
            INSERT INTO revoked_token (jti, tenant_id, expires_at)
            SELECT ?, ?, ? WHERE (SELECT count(*) FROM (SELECT 1 FROM revoked_token
                                   WHERE tenant_id = ? AND expires_at > now() LIMIT ?) AS live) < ?
            ON CONFLICT (jti) DO NOTHING""";
    private static final String IS_TOKEN_REVOKED = "SELECT EXISTS (SELECT 1 FROM revoked_token WHERE jti = ?)";
    /**
     * The cut-off is the database's clock now in ticks, or the given ticks when later; a cut-off
     * already recorded that is later still wins, and is returned.
     */
    private static final String REVOKE_CUSTOMER = """
            INSERT INTO customer_revocation (tenant_id, customer_id, revoked_before_ticks, expires_at)
            SELECT ?, ?, GREATEST(?, floor(extract(epoch FROM clock_timestamp()) * 4096000)::bigint),
                   clock_timestamp() + make_interval(secs => ?)
            ON CONFLICT (tenant_id, customer_id) DO UPDATE
               SET revoked_before_ticks = GREATEST(customer_revocation.revoked_before_ticks,
                                                   EXCLUDED.revoked_before_ticks),
                   expires_at = GREATEST(customer_revocation.expires_at, EXCLUDED.expires_at),
                   revoked_at = now()
            RETURNING revoked_before_ticks""";
    private static final String TOKENS_SINCE = """
            SELECT jti, floor(extract(epoch FROM expires_at))::bigint FROM revoked_token
             WHERE expires_at > now() AND revoked_at >= ?""";
    private static final String CUSTOMERS_SINCE = """
            SELECT customer_id, revoked_before_ticks FROM customer_revocation
             WHERE expires_at > now() AND revoked_at >= ?""";
    private static final String IS_REVOKED = """
            SELECT EXISTS (SELECT 1 FROM revoked_token WHERE jti = ?)
                OR EXISTS (SELECT 1 FROM customer_revocation
                            WHERE tenant_id = ? AND customer_id = ? AND revoked_before_ticks > ?)""";
    private static final String DELETE_EXPIRED_TOKENS = "DELETE FROM revoked_token WHERE expires_at <= now()";
    private static final String DELETE_EXPIRED_CUSTOMERS = "DELETE FROM customer_revocation WHERE expires_at <= now()";
    private static final String NOW = "SELECT now()";
    /** Rows read per round trip when the revocations are re-read. */
    private static final int PAGE_ROWS = 1_000;

    /** Receives the rows of a read, one at a time. */
    interface TokenRows {
        void row(UUID jti, long expiresAtSeconds);
    }

    /** Receives the rows of a read, one at a time. */
    interface CustomerRows {
        void row(UUID customerId, long revokedBeforeTicks);
    }

    private final DataSource dataSource;

    public RevocationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Revokes the token until {@code expiresAt}, unless its tenant holds {@code maxPerTenant}
     * unexpired revoked tokens already (an operator passes {@link Integer#MAX_VALUE}).
     */
    public Revocations.Outcome revokeToken(UUID jti, UUID tenantId, Instant expiresAt, int maxPerTenant) {
        int inserted = Sql.update(dataSource, REVOKE_TOKEN, ps -> {
            ps.setObject(1, jti);
            ps.setObject(2, tenantId);
            ps.setTimestamp(3, Timestamp.from(expiresAt));
            ps.setObject(4, tenantId);
            ps.setInt(5, maxPerTenant);
            ps.setInt(6, maxPerTenant);
        });
        if (inserted == 1) {
            return Revocations.Outcome.REVOKED;
        }
        boolean known = Sql.first(dataSource, IS_TOKEN_REVOKED, ps -> ps.setObject(1, jti), rs -> rs.getBoolean(1))
                .orElseThrow();
        return known ? Revocations.Outcome.ALREADY_REVOKED : Revocations.Outcome.TENANT_LIMIT_REACHED;
    }

    /**
     * Revokes the customer's tokens issued before the database's clock now, or before
     * {@code atLeastTicks} when that is later, for {@code kept}.
     *
     * @return the cut-off in force, in ticks
     */
    public long revokeCustomer(UUID tenantId, UUID customerId, long atLeastTicks, Duration kept) {
        return Sql.first(dataSource, REVOKE_CUSTOMER, ps -> {
            ps.setObject(1, tenantId);
            ps.setObject(2, customerId);
            ps.setLong(3, atLeastTicks);
            ps.setLong(4, kept.toSeconds());
        }, rs -> rs.getLong(1)).orElseThrow();
    }

    /** The database's clock: the instant reads are consistent with. */
    Instant now() {
        return Sql.first(dataSource, NOW, Sql.NO_PARAMETERS, rs -> rs.getTimestamp(1).toInstant()).orElseThrow();
    }

    /** Every unexpired revoked token recorded at or after {@code since} (database time), streamed in pages. */
    void tokensSince(Instant since, TokenRows rows) {
        Sql.forEachPaged(dataSource, TOKENS_SINCE, ps -> ps.setTimestamp(1, Timestamp.from(since)), PAGE_ROWS,
                rs -> rows.row(rs.getObject(1, UUID.class), rs.getLong(2)));
    }

    /** Every unexpired customer-wide revocation recorded at or after {@code since} (database time), streamed in pages. */
    void customersSince(Instant since, CustomerRows rows) {
        Sql.forEachPaged(dataSource, CUSTOMERS_SINCE, ps -> ps.setTimestamp(1, Timestamp.from(since)), PAGE_ROWS,
                rs -> rows.row(rs.getObject(1, UUID.class), rs.getLong(2)));
    }

    /** As the database says now: the token, or every token of its customer issued before it, was revoked. */
    public boolean isRevoked(UUID jti, UUID tenantId, UUID customerId, long issuedTicks) {
        return Sql.first(dataSource, IS_REVOKED, ps -> {
            ps.setObject(1, jti);
            ps.setObject(2, tenantId);
            ps.setObject(3, customerId);
            ps.setLong(4, issuedTicks);
        }, rs -> rs.getBoolean(1)).orElseThrow();
    }

    /** Deletes the rows whose tokens have all expired; returns how many. */
    int deleteExpired() {
        return Sql.update(dataSource, DELETE_EXPIRED_TOKENS, Sql.NO_PARAMETERS)
                + Sql.update(dataSource, DELETE_EXPIRED_CUSTOMERS, Sql.NO_PARAMETERS);
    }
}
