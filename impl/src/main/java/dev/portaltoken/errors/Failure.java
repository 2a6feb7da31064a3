package dev.portaltoken.errors;

/**
 * A request the domain refuses, in the domain's terms: its {@link Kind} and a message fit to show
 * whoever asked (it must never carry a secret). Domain code (customers, tenants, tokens, keys) throws
 * it and knows nothing of HTTP: {@code http.ErrorMapper} alone turns a kind into the contract's
 * status and code, and the admin CLI prints the message. It has no stack trace, being an answer
 * rather than a bug. Immutable.
 */
public final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The input breaks a rule: a malformed value, a value out of range, a missing field. */
        INVALID,
        /** What the request names does not exist (for the caller). */
        NOT_FOUND,
        /** It clashes with what exists: a taken alias or slug, a state that forbids the change. */
        CONFLICT,
        /** A bound on what the caller may hold is reached: retry after some of it is released. */
        LIMIT_REACHED,
        /** It cannot be answered yet: state the answer depends on is still being loaded. */
        UNAVAILABLE,
        /** The object is not in the version the request was told to expect (a lost update avoided). */
        STALE,
        /** A request key (an idempotency key) was already used for another request. */
        REUSED
    }

    private final Kind kind;

    private Failure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static Failure invalid(String message) {
        return new Failure(Kind.INVALID, message);
    }

    public static Failure notFound(String message) {
        return new Failure(Kind.NOT_FOUND, message);
    }

    public static Failure conflict(String message) {
        return new Failure(Kind.CONFLICT, message);
    }

    public static Failure limitReached(String message) {
        return new Failure(Kind.LIMIT_REACHED, message);
    }

    public static Failure unavailable(String message) {
        return new Failure(Kind.UNAVAILABLE, message);
    }

    public static Failure stale(String message) {
        return new Failure(Kind.STALE, message);
    }

    public static Failure reused(String message) {
        return new Failure(Kind.REUSED, message);
    }

    public Kind kind() {
        return kind;
    }
}
