package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** Carries the authenticated {@link Caller} of a request from the filter to the resources. */
final class CallerSecurityContext implements SecurityContext {
    private final CallerPrincipal principal;
    private final boolean secure;

    CallerSecurityContext(Caller caller, boolean secure) {
        this.principal = new CallerPrincipal(caller);
        this.secure = secure;
    }

    record CallerPrincipal(Caller caller) implements Principal {
        @Override
        public String getName() {
            return caller.tenantSlug();
        }
    }

    /** The caller the authentication filter established for this request. */
    static Caller callerOf(SecurityContext context) {
        if (context != null && context.getUserPrincipal() instanceof CallerPrincipal p) {
            return p.caller();
        }
        throw new IllegalStateException("resource reached without authentication");
    }

    /**
     * The caller, which must be a tenant's API key.
     *
     * @throws ApiException 403 for an operator portal key, which may only introspect tokens
     */
    static Caller tenantOf(SecurityContext context) {
        Caller caller = callerOf(context);
        if (caller.isPortal()) {
            throw new ApiException(403, "a portal key may only introspect tokens; use an API key of the tenant");
        }
        return caller;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return "Bearer";
    }
}
