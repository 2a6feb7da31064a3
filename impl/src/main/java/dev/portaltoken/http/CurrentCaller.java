package dev.portaltoken.http;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.errors.ApiException;

/**
 * The authenticated {@link Caller} of the request this thread processes: the one place it is kept.
 * A thread-local rather than a request property or a {@code SecurityContext}: the contract's
 * generated method signatures leave no room for a {@code @Context} parameter, and the per-request
 * proxy Jersey injects into a singleton resource's field cost about a tenth of a token request's Java
 * CPU (a JFR profile). Jersey runs a request's filters, resource method and response filters on the
 * one container thread (no resource here is asynchronous). {@link RequestLogFilter} clears it at
 * the start and at the end of every request, so nothing one request left can reach the next;
 * {@link AuthenticationFilter} sets it on the routes that require a key, before their resource runs.
 */
final class CurrentCaller {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    private CurrentCaller() {
    }

    /** Makes {@code caller} the current request's. */
    static void set(Caller caller) {
        CURRENT.set(caller);
    }

    /** No caller until the next request authenticates. */
    static void clear() {
        CURRENT.remove();
    }

    /** The current request's caller, or null before (or without) authentication. */
    static Caller orNull() {
        return CURRENT.get();
    }

    /** The caller the authentication filter established for the current request. */
    static Caller get() {
        Caller caller = CURRENT.get();
        if (caller == null) {
            throw new IllegalStateException("resource reached without authentication");
        }
        return caller;
    }

    /**
     * The caller, which must be a tenant's API key.
     *
     * @throws ApiException 403 for an operator portal key, which may only introspect tokens, and for an
     *                      admin key, which may not use the portal-token endpoints
     */
    static Caller tenant() {
        Caller caller = tokens();
        if (caller.isPortal()) {
            throw new ApiException(403, "a portal key may only introspect tokens; use an API key of the tenant");
        }
        return caller;
    }

    /**
     * The caller of a portal-token endpoint: a tenant's API key or a portal key.
     *
     * @throws ApiException 403 for an admin key: operators manage, they do not mint or read tokens
     */
    static Caller tokens() {
        Caller caller = get();
        if (caller.kind() == Caller.Kind.ADMIN) {
            throw new ApiException(403, "an admin key may not use the portal-token endpoints; use an API key of the"
                    + " tenant");
        }
        return caller;
    }

    /**
     * The caller of an operator-level operation (/admin/v1), which must be an admin key.
     *
     * @throws ApiException 403 for a tenant's API key or a portal key
     */
    static Caller admin() {
        Caller caller = get();
        if (caller.kind() != Caller.Kind.ADMIN) {
            throw new ApiException(403, "only an admin key (pt_admin_...) may use /admin/v1; a tenant's API key"
                    + " manages its customers at /api/v1/customers");
        }
        return caller;
    }
}
