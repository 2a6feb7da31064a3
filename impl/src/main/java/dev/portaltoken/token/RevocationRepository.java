package dev.portaltoken.token;

import dev.portaltoken.db.Sql;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Revoked tokens and customer-wide revocations in PostgreSQL: one row per revoked token or per
 * customer, each deleted once every token it revokes has expired. Times of tokens are in ticks of
 * 1/4096 ms ({@link dev.portaltoken.ids.TokenIds}). Thread-safe.
 */
public final class RevocationRepository {
    private static final String REVOKE_TOKEN = """
            INSERT INTO revoked_token (jti, tenant_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING""";
    /** A later cut-off wins; an earlier one (a late or replayed request) changes nothing. */
    private static final String REVOKE_CUSTOMER = """
            INSERT INTO customer_revocation (tenant_id, customer_id, revoked_before_ticks, expires_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant_id, customer_id) DO UPDATE
               SET revoked_before_ticks = EXCLUDED.revoked_before_ticks, expires_at = EXCLUDED.expires_at,
                   revoked_at = now()
             WHERE customer_revocation.revoked_before_ticks < EXCLUDED.revoked_before_ticks""";
    private static final String TOKENS_SINCE = """
            SELECT jti, tenant_id, expires_at FROM revoked_token WHERE expires_at > now() AND revoked_at >= ?""";
    private static final String CUSTOMERS_SINCE = """
            SELECT tenant_id, customer_id, revoked_before_ticks FROM customer_revocation
             WHERE expires_at > now() AND revoked_at >= ?""";
    private static final String IS_REVOKED = """
            SELECT EXISTS (SELECT 1 FROM revoked_token WHERE jti = ?)
                OR EXISTS (SELECT 1 FROM customer_revocation
                            WHERE tenant_id = ? AND customer_id = ? AND revoked_before_ticks > ?)""";
    private static final String DELETE_EXPIRED_TOKENS = "DELETE FROM revoked_token WHERE expires_at <= now()";
    private static final String DELETE_EXPIRED_CUSTOMERS = "DELETE FROM customer_revocation WHERE expires_at <= now()";
    private static final String NOW = "SELECT now()";

    /** Receives the rows of a read, one at a time. */
    interface TokenRows {
        void row(UUID jti, UUID tenantId, Instant expiresAt);
    }

    /** Receives the rows of a read, one at a time. */
    interface CustomerRows {
        void row(UUID tenantId, UUID customerId, long revokedBeforeTicks);
    }

    private final DataSource dataSource;

    public RevocationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void revokeToken(UUID jti, UUID tenantId, Instant expiresAt) throws SQLException {
        Sql.update(dataSource, REVOKE_TOKEN, ps -> {
            ps.setObject(1, jti);
            ps.setObject(2, tenantId);
            ps.setTimestamp(3, Timestamp.from(expiresAt));
        });
    }

    /** Revokes the customer's tokens issued before {@code ticks}, until {@code expiresAt}. */
    public void revokeCustomer(UUID tenantId, UUID customerId, long ticks, Instant expiresAt) throws SQLException {
        Sql.update(dataSource, REVOKE_CUSTOMER, ps -> {
            ps.setObject(1, tenantId);
            ps.setObject(2, customerId);
            ps.setLong(3, ticks);
            ps.setTimestamp(4, Timestamp.from(expiresAt));
        });
    }

    /** The database's clock: the instant reads are consistent with. */
    Instant now() throws SQLException {
        return Sql.first(dataSource, NOW, Sql.NO_PARAMETERS, rs -> rs.getTimestamp(1).toInstant()).orElseThrow();
    }

    /** Every unexpired revoked token recorded at or after {@code since} (database time). */
    void tokensSince(Instant since, TokenRows rows) throws SQLException {
        Sql.forEach(dataSource, TOKENS_SINCE, ps -> ps.setTimestamp(1, Timestamp.from(since)), rs -> rows.row(
                rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant()));
    }

    /** Every unexpired customer-wide revocation recorded at or after {@code since} (database time). */
    void customersSince(Instant since, CustomerRows rows) throws SQLException {
        Sql.forEach(dataSource, CUSTOMERS_SINCE, ps -> ps.setTimestamp(1, Timestamp.from(since)),
                rs -> rows.row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getLong(3)));
    }

    /** As the database says now: the token, or every token of its customer issued before it, was revoked. */
    public boolean isRevoked(UUID jti, UUID tenantId, UUID customerId, long issuedTicks) throws SQLException {
        return Sql.first(dataSource, IS_REVOKED, ps -> {
            ps.setObject(1, jti);
            ps.setObject(2, tenantId);
            ps.setObject(3, customerId);
            ps.setLong(4, issuedTicks);
        }, rs -> rs.getBoolean(1)).orElseThrow();
    }

    /** Deletes the rows whose tokens have all expired; returns how many. */
    int deleteExpired() throws SQLException {
        return Sql.update(dataSource, DELETE_EXPIRED_TOKENS, Sql.NO_PARAMETERS)
                + Sql.update(dataSource, DELETE_EXPIRED_CUSTOMERS, Sql.NO_PARAMETERS);
    }
}
