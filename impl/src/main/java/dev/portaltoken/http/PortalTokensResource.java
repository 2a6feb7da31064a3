package dev.portaltoken.http;

import dev.portaltoken.api.PortalTokensApi;
import dev.portaltoken.api.model.CustomerTokenRevocation;
import dev.portaltoken.api.model.PortalTokenIntrospection;
import dev.portaltoken.api.model.PortalTokenRequest;
import dev.portaltoken.token.IssuedTokens;
import java.time.ZoneOffset;
import java.util.Map;

/** Introspection and revocation of portal tokens, as the served contract declares them (our overlay adds them). */
final class PortalTokensResource implements PortalTokensApi {
    private static final PortalTokenIntrospection INACTIVE = new PortalTokenIntrospection().active(false);

    private final IssuedTokens lifecycle;

    PortalTokensResource(IssuedTokens lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public PortalTokenIntrospection introspectPortalToken(PortalTokenRequest request) {
        return lifecycle.introspect(CurrentCaller.tokens(), request.getToken())
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
    }

    @Override
    public Object revokePortalToken(PortalTokenRequest request) {
        lifecycle.revoke(CurrentCaller.tenant(), request.getToken());
        return Map.of();
    }

    @Override
    public CustomerTokenRevocation revokeCustomerPortalTokens(String idOrAlias) {
        return new CustomerTokenRevocation().revokedBefore(
                lifecycle.revokeCustomer(CurrentCaller.tenant(), idOrAlias)
                        .atOffset(ZoneOffset.UTC));
    }
}
