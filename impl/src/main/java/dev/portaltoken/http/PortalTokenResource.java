package dev.portaltoken.http;

import dev.portaltoken.api.CustomersApi;
import dev.portaltoken.api.model.CustomerPortalTokenRequest;
import dev.portaltoken.api.model.CustomerPortalTokenResponse;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.token.PortalTokenService;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.sql.SQLException;

/** {@code POST /api/v1/customers/{id_or_alias}/portal-token}, as the contract's interface declares it. */
final class PortalTokenResource implements CustomersApi {
    private final PortalTokenService service;

    /**
     * Jersey injects a per-request proxy here: the generated method signature leaves no room for a
     * {@code @Context} parameter.
     */
    @Context
    private SecurityContext securityContext;

    PortalTokenResource(PortalTokenService service) {
        this.service = service;
    }

    @Override
    public CustomerPortalTokenResponse createPortalToken(String idOrAlias, CustomerPortalTokenRequest body) {
        try {
            PortalTokenService.IssuedToken issued = service.issue(CallerSecurityContext.tenantOf(securityContext),
                    idOrAlias, body == null ? null : body.getExpiresInSeconds(), false);
            return new CustomerPortalTokenResponse(issued.portalUrl(), issued.token());
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
