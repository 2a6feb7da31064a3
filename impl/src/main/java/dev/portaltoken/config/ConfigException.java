package dev.portaltoken.config;

/** Invalid or missing configuration; the message names the setting and is safe to print. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
