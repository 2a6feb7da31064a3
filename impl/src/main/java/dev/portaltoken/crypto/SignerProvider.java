package dev.portaltoken.crypto;

import java.util.Locale;
import java.util.Optional;

/** Which implementation computes asymmetric signatures. */
public enum SignerProvider {
    /** BouncyCastle's lightweight API: about 19x (Ed25519) and 6x (P-256) the JDK's signatures per second. */
    BOUNCYCASTLE,
    /** The JDK's own SunEC provider, the fallback. */
    JDK;

    /** The lower-case name used in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configured name ({@code bouncycastle}, {@code jdk}), ignoring case. */
    public static Optional<SignerProvider> parse(String name) {
        for (SignerProvider provider : values()) {
            if (provider.configName().equalsIgnoreCase(name.trim())) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }
}
