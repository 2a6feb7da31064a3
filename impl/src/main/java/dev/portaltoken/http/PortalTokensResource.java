package dev.portaltoken.http;

import dev.portaltoken.api.PortalTokensApi;
import dev.portaltoken.api.model.CustomerTokenRevocation;
import dev.portaltoken.api.model.PortalTokenIntrospection;
import dev.portaltoken.api.model.PortalTokenRequest;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.token.TokenLifecycle;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.Map;

/** Introspection and revocation of portal tokens, as the served contract declares them (our overlay adds them). */
final class PortalTokensResource implements PortalTokensApi {
    private static final PortalTokenIntrospection INACTIVE = new PortalTokenIntrospection().active(false);

    private final TokenLifecycle lifecycle;

    PortalTokensResource(TokenLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public PortalTokenIntrospection introspectPortalToken(PortalTokenRequest request) {
        try {
            return lifecycle.introspect(CurrentCaller.get(), request.getToken())
                    .map(active -> new PortalTokenIntrospection().active(true)
                            .sub(active.sub())
                            .tenantId(active.tenantId())
                            .customerId(active.customerId())
                            .scope(active.scope())
                            .iat(active.iat())
                            .exp(active.exp())
                            .jti(active.jti().toString())
                            .iss(active.iss())
                            .kid(active.kid()))
                    .orElse(INACTIVE);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    @Override
    public Object revokePortalToken(PortalTokenRequest request) {
        try {
            lifecycle.revoke(CurrentCaller.tenant(), request.getToken());
            return Map.of();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    @Override
    public CustomerTokenRevocation revokeCustomerPortalTokens(String idOrAlias) {
        try {
            return new CustomerTokenRevocation().revokedBefore(
                    lifecycle.revokeCustomer(CurrentCaller.tenant(), idOrAlias)
                            .atOffset(ZoneOffset.UTC));
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
