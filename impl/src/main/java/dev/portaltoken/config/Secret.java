package dev.portaltoken.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A configured secret (a password, a shared secret's UTF-8 bytes, a decoded key). Immutable;
 * {@link #toString()} never reveals it, so it cannot leak into a log line or an error.
 */
public final class Secret {
    private final byte[] value;

    /** A secret given as text: its bytes are the text's UTF-8 encoding. */
    public Secret(String text) {
        this(text.getBytes(StandardCharsets.UTF_8));
    }

    private Secret(byte[] value) {
        this.value = value.clone();
    }

    /** A secret given as raw bytes, such as a decoded key. */
    public static Secret ofBytes(byte[] value) {
        return new Secret(value);
    }

    /** The secret's bytes (a copy). */
    public byte[] bytes() {
        return value.clone();
    }

    /** The secret as text (for a password). */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "********";
    }
}
