package dev.portaltoken.token;

import dev.portaltoken.keys.TokenLifetime;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.Failure;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.net.URI;

/**
 * The portal-token operation: validate the request, find the caller's customer, mint, and on request
 * revoke the customer's earlier tokens. Thread-safe.
 */
public final class PortalTokenService {
    static final String PORTAL_PATH = "/portal/customer?token=";

    private final Customers customers;
    private final PortalTokenIssuer issuer;
    private final Revocations revocations;
    private final String defaultPortalUrl;
    private final String apiUrl;
    private final Counter minted;

    /**
     * @param apiUrl this server's public base URL, returned as {@code api_url} (a trailing slash is dropped)
     *               unless the caller's tenant has its own ({@link Caller#apiUrl()})
     * @param minted counts every token handed out
     */
    public PortalTokenService(Customers customers, PortalTokenIssuer issuer, Revocations revocations,
                              URI defaultPortalUrl, URI apiUrl, Counter minted) {
        this.customers = customers;
        this.issuer = issuer;
        this.revocations = revocations;
        this.defaultPortalUrl = defaultPortalUrl.toString();
        this.apiUrl = withoutTrailingSlash(apiUrl.toString());
        this.minted = minted;
    }

    /**
     * A minted token and where it is used.
     *
     * @param portalLink {@code <portalUrl>/portal/customer?token=<token>} and the deep link's parameters
     * @param expiresAt  the token's {@code exp}
     */
    public record IssuedToken(String token, String portalUrl, String portalLink, String apiUrl, Instant expiresAt,
                              Scopes scopes) {
        @Override
        public String toString() {
            return "IssuedToken[portalUrl=" + portalUrl + ", expiresAt=" + expiresAt + ", scopes=" + scopes + "]";
        }
    }

    /**
     * @param expiresInSeconds the requested lifetime, null for the default
     * @param scopes           the requested scopes (duplicates count once), null for both
     * @param invalidateExisting revoke every token the customer was issued before this one, which
     *                         stays active even when they were minted in the same second
     * @throws Failure INVALID for a lifetime out of range or no scope, NOT_FOUND when the
     *                      caller's tenant has no unarchived customer by that id or alias
     */
    public IssuedToken issue(Caller caller, String idOrAlias, Integer expiresInSeconds,
                             Collection<Scope> scopes, boolean invalidateExisting) {
        return issue(caller, idOrAlias, expiresInSeconds, scopes, invalidateExisting, PortalView.DEFAULT);
    }

    /** As {@link #issue(Caller, String, Integer, Collection, boolean)}, the link opening {@code view}. */
    public IssuedToken issue(Caller caller, String idOrAlias, Integer expiresInSeconds,
                             Collection<Scope> scopes, boolean invalidateExisting, PortalView view) {
        TokenLifetime lifetime = TokenLifetime.ofNullable(expiresInSeconds);
        Scopes granted = Scopes.ofNullable(scopes);
        UUID customerId = customers.findActive(caller.tenantId(), idOrAlias)
                .orElseThrow(() -> Failure.notFound("customer not found"));
        String portalUrl = caller.portalUrl() != null ? caller.portalUrl() : defaultPortalUrl;
        // The cut-off comes first, by the database's clock (and after every token issued here); the new
        // token then carries a time at or after it, so it alone of the customer's tokens stays active.
        long notBefore = invalidateExisting
                ? revocations.revokeCustomer(caller.tenantId(), customerId, issuer.lastIssuedTicks() + 1)
                : Long.MIN_VALUE;
        PortalTokenIssuer.Minted token = issuer.mint(caller.tenantId(), customerId, lifetime, granted, notBefore);
        IssuedToken issued = new IssuedToken(token.token(), portalUrl, portalLink(portalUrl, token.token()) + view.query(),
                caller.apiUrl() != null ? withoutTrailingSlash(caller.apiUrl()) : apiUrl, token.expiresAt(), granted);
        minted.increment();
        return issued;
    }

    /** {@code <portalUrl>/portal/customer?token=<token>}, one slash between them however the base ends. */
    static String portalLink(String portalUrl, String token) {
        return withoutTrailingSlash(portalUrl) + PORTAL_PATH + token;
    }

    private static String withoutTrailingSlash(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
