package dev.portaltoken.errors;

/**
 * A failure the caller is told about: its {@link Kind} picks the HTTP status and the contract's
 * error code, its message is shown to the caller as is, so it must never carry a secret.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The contract's error codes that this service answers with, and their HTTP status. */
    public enum Kind {
        BAD_REQUEST(400),
        UNAUTHORIZED(401),
        NOT_FOUND(404),
        TOO_MANY_REQUESTS(429),
        INTERNAL_SERVER_ERROR(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public ApiException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Kind.BAD_REQUEST, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Kind.NOT_FOUND, message);
    }

    public Kind kind() {
        return kind;
    }
}
