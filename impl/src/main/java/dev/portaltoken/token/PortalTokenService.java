package dev.portaltoken.token;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.ApiException;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The portal-token operation: validate the lifetime, find the caller's customer, mint, and on request
 * revoke the customer's earlier tokens. Thread-safe.
 */
public final class PortalTokenService {
    private final Customers customers;
    private final PortalTokenIssuer issuer;
    private final Revocations revocations;
    private final String defaultPortalUrl;
    private final Counter minted;

    /** @param minted counts every token handed out */
    public PortalTokenService(Customers customers, PortalTokenIssuer issuer, Revocations revocations,
                              URI defaultPortalUrl, Counter minted) {
        this.customers = customers;
        this.issuer = issuer;
        this.revocations = revocations;
        this.defaultPortalUrl = defaultPortalUrl.toString();
        this.minted = minted;
    }

    /** A minted token and the portal it is for. */
    public record IssuedToken(String token, String portalUrl) {
        @Override
        public String toString() {
            return "IssuedToken[portalUrl=" + portalUrl + "]";
        }
    }

    /**
     * @param expiresInSeconds   the requested lifetime, null for the default
     * @param invalidateExisting revoke every token the customer was issued before this one, which
     *                           stays active even when they were minted in the same second
     * @throws ApiException BAD_REQUEST for a lifetime out of range, NOT_FOUND when the caller's tenant
     *                      has no unarchived customer by that id or alias
     */
    public IssuedToken issue(Caller caller, String idOrAlias, Integer expiresInSeconds, boolean invalidateExisting)
            throws SQLException {
        TokenLifetime lifetime = TokenLifetime.ofNullable(expiresInSeconds);
        UUID customerId = customers.findActive(caller.tenantId(), idOrAlias)
                .orElseThrow(() -> ApiException.notFound("customer not found"));
        String portalUrl = caller.portalUrl() != null ? caller.portalUrl() : defaultPortalUrl;
        PortalTokenIssuer.Minted token = issuer.mint(caller.tenantId(), customerId, lifetime);
        if (invalidateExisting) {
            revocations.revokeCustomer(caller.tenantId(), customerId, token.issuedTicks());
        }
        minted.increment();
        return new IssuedToken(token.token(), portalUrl);
    }
}
