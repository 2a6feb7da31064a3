package dev.portaltoken.http;

import dev.portaltoken.api.CustomersApi;
import dev.portaltoken.api.model.CustomerPortalTokenRequest;
import dev.portaltoken.api.model.CustomerPortalTokenResponse;
import dev.portaltoken.api.model.TokenScope;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.PortalView;
import dev.portaltoken.token.Scope;
import java.time.ZoneOffset;
import java.util.List;

/** {@code POST /api/v1/customers/{id_or_alias}/portal-token}, as the contract's interface declares it. */
final class PortalTokenResource implements CustomersApi {
    private final PortalTokenService service;

    PortalTokenResource(PortalTokenService service) {
        this.service = service;
    }

    @Override
    public CustomerPortalTokenResponse createPortalToken(String idOrAlias, CustomerPortalTokenRequest body) {
        PortalTokenService.IssuedToken issued = service.issue(CurrentCaller.tenant(),
                idOrAlias, body == null ? null : body.getExpiresInSeconds(),
                body == null ? null : scopes(body.getScopes()),
                body != null && Boolean.TRUE.equals(body.getInvalidateExisting()), body == null ? PortalView.DEFAULT
                        : new PortalView(text(body.getPage()), text(body.getEmbed()), body.getSubscription()));
        return new CustomerPortalTokenResponse(issued.portalUrl(), issued.token(), issued.portalLink(),
                issued.apiUrl(), issued.expiresAt().atOffset(ZoneOffset.UTC));
    }

    /** An enum of the contract as its wire value; null stays null. */
    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** The contract's scopes as the service's; null stays null (both). */
    private static List<Scope> scopes(List<TokenScope> requested) {
        return requested == null ? null : requested.stream().map(MintRequestReader::scope).toList();
    }
}
