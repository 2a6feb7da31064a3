package dev.portaltoken.keys;

/** A token that does not verify; the message is one line that never quotes the token. */
public final class TokenRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenRejectedException(String reason) {
        super("invalid token: " + reason, null, false, false);
    }
}
