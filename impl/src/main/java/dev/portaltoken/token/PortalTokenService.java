package dev.portaltoken.token;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.ApiException;
import io.micrometer.core.instrument.Counter;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Supplier;

/** The portal-token operation: validate the lifetime, find the caller's customer, mint. Thread-safe. */
public final class PortalTokenService {
    private final Customers customers;
    private final PortalTokenIssuer issuer;
    private final Supplier<String> defaultPortalUrl;
    private final Counter minted;

    /**
     * @param defaultPortalUrl the portal URL of tenants without their own; called once per token, must be
     *                         cheap and thread-safe
     * @param minted           counts every token handed out
     */
    public PortalTokenService(Customers customers, PortalTokenIssuer issuer, Supplier<String> defaultPortalUrl,
                              Counter minted) {
        this.customers = customers;
        this.issuer = issuer;
        this.defaultPortalUrl = defaultPortalUrl;
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
     * @param expiresInSeconds the requested lifetime, null for the default
     * @throws ApiException BAD_REQUEST for a lifetime out of range, NOT_FOUND when the caller's tenant
     *                      has no unarchived customer by that id or alias
     */
    public IssuedToken issue(Caller caller, String idOrAlias, Integer expiresInSeconds) throws SQLException {
        TokenLifetime lifetime = TokenLifetime.ofNullable(expiresInSeconds);
        UUID customerId = customers.findActive(caller.tenantId(), idOrAlias)
                .orElseThrow(() -> ApiException.notFound("customer not found"));
        String portalUrl = caller.portalUrl() != null ? caller.portalUrl() : defaultPortalUrl.get();
        IssuedToken issued = new IssuedToken(issuer.mint(caller.tenantId(), customerId, lifetime), portalUrl);
        minted.increment();
        return issued;
    }
}
