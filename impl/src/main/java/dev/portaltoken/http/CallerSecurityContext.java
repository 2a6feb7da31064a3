package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * Carries the authenticated {@link Caller} of a request from {@link AuthenticationFilter} to the
 * resources: as the request's {@link SecurityContext}, and bound to the thread that processes the
 * request, which is where the resources read it. The contract's generated method signatures leave no
 * room for a {@code @Context} parameter, and the per-request proxy Jersey injects into a singleton
 * resource's field cost about a tenth of a token request's Java CPU (a JFR profile). Jersey runs a
 * request's filters, resource method and response filters on the one container thread (no resource
 * here is asynchronous); the filter binds the caller before the resource runs and
 * {@link RequestLogFilter}'s response half unbinds it.
 */
final class CallerSecurityContext implements SecurityContext {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

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

    /** Makes {@code caller} the current request's, on this thread. */
    static void bind(Caller caller) {
        CURRENT.set(caller);
    }

    /** Ends this thread's current request: no caller is bound until the next one authenticates. */
    static void unbind() {
        CURRENT.remove();
    }

    /** The caller the authentication filter established for the request this thread processes. */
    static Caller callerOf() {
        Caller caller = CURRENT.get();
        if (caller == null) {
            throw new IllegalStateException("resource reached without authentication");
        }
        return caller;
    }

    /**
     * The caller, which must be a tenant's API key.
     *
     * @throws ApiException 403 for an operator portal key, which may only introspect tokens
     */
    static Caller tenantOf() {
        Caller caller = callerOf();
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
