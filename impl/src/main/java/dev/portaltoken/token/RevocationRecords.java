package dev.portaltoken.token;

import dev.portaltoken.ids.TokenIds;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The revocations as stored, for an operator's work outside a server (the admin CLI): revoking a
 * token or every token of a customer, and asking whether a token is revoked. Every server applies
 * what this records within a second (its change announcements). A server's own revocations go
 * through {@link Revocations}, which also holds them in memory. Thread-safe.
 */
public final class RevocationRecords {
    private final RevocationRepository repository;

    public RevocationRecords(DataSource dataSource) {
        this.repository = new RevocationRepository(dataSource);
    }

    /** Revokes one token until it expires; an operator is not held to the per-tenant limit. */
    public void revokeToken(UUID jti, UUID tenantId, Instant expiresAt) {
        repository.revokeToken(jti, tenantId, expiresAt, Integer.MAX_VALUE);
    }

    /**
     * Revokes every token of the customer issued before the database's clock says now.
     *
     * @return the cut-off
     */
    public Instant revokeCustomer(UUID tenantId, UUID customerId) {
        return TokenIds.instant(repository.revokeCustomer(tenantId, customerId, Long.MIN_VALUE, Revocations.CUT_OFF_KEPT));
    }

    /** As the database says now: the token, or every token of its customer issued before it, was revoked. */
    public boolean isRevoked(UUID jti, UUID tenantId, UUID customerId, long issuedTicks) {
        return repository.isRevoked(jti, tenantId, customerId, issuedTicks);
    }
}
