package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
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
