package dev.portaltoken.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one failure that becomes an error answer: an HTTP status, the contract's error code for it
 * ({@link Code#forStatus}), a message shown to the caller as is (so it must never carry a secret) and
 * the headers the answer must carry ({@code Retry-After}, {@code WWW-Authenticate}, ...). Domain
 * services, filters and mappers throw it; {@link ErrorRenderer} turns it into the contract's
 * {@code RestErrorResponse}. Immutable; it has no stack trace, being an answer rather than a bug.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The contract's error codes ({@code ErrorCode} in the vendored document). */
    public enum Code {
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        CONFLICT,
        TOO_MANY_REQUESTS,
        INTERNAL_SERVER_ERROR;

        /**
         * The one rule from a status to a code: statuses the contract has no code for (405, 413, 414,
         * 422, 431, ...) are the caller's fault, {@code BAD_REQUEST}, but for 412 (a lost update), a
         * {@code CONFLICT}; every 5xx is {@code INTERNAL_SERVER_ERROR}.
         */
        public static Code forStatus(int status) {
            return switch (status) {
                case 401 -> UNAUTHORIZED;
                case 403 -> FORBIDDEN;
                case 404 -> NOT_FOUND;
                case 409, 412 -> CONFLICT; // a lost update is a conflict with a change made meanwhile
                case 429 -> TOO_MANY_REQUESTS;
                default -> status >= 500 ? INTERNAL_SERVER_ERROR : BAD_REQUEST;
            };
        }
    }

    private final int status;
    private final transient Map<String, String> headers;

    /** @param status an HTTP error status, 400 to 599 */
    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    private ApiException(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
        this.headers = headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    /** 429 with {@code Retry-After} in whole seconds. */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message).withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /** This failure with one more header on its answer. */
    public ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, getMessage(), Map.copyOf(more));
    }

    public int status() {
        return status;
    }

    public Code code() {
        return Code.forStatus(status);
    }

    /** The headers the answer carries, by name; never null. */
    public Map<String, String> headers() {
        return headers;
    }
}
