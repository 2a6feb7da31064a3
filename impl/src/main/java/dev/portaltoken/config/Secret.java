package dev.portaltoken.config;

/** A configured secret; {@link #toString()} never reveals it, so it cannot leak into a log line. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "********";
    }
}
