package dev.portaltoken.keys;

import dev.portaltoken.errors.Failure;

/** A validated portal-token lifetime in seconds. */
public record TokenLifetime(int seconds) {
    public static final int MIN_SECONDS = 60;
    public static final int MAX_SECONDS = 2_592_000;
    public static final int DEFAULT_SECONDS = 86_400;
    public static final TokenLifetime DEFAULT = new TokenLifetime(DEFAULT_SECONDS);

    public TokenLifetime {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw outOfRange(Integer.toString(seconds));
        }
    }

    /** The requested lifetime, or the default when {@code seconds} is null. */
    public static TokenLifetime ofNullable(Integer seconds) {
        return seconds == null ? DEFAULT : new TokenLifetime(seconds);
    }

    /** The error for a value outside the allowed range, quoting the value as given. */
    public static Failure outOfRange(String given) {
        return Failure.invalid("expires_in_seconds must be between " + MIN_SECONDS + " and "
                + MAX_SECONDS + " (30 days); got " + given);
    }
}
