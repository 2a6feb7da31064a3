package dev.portaltoken.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which implementation computes asymmetric signatures ({@code PORTAL_SIGNER}). */
public enum SignerProvider {
    /**
     * AWS-LC, native code through Amazon Corretto Crypto Provider: about 4x (Ed25519) and 5x (P-256)
     * BouncyCastle's signatures per second. Linux x86-64 only.
     */
    AWS_LC,
    /** BouncyCastle's lightweight API: pure Java, about 19x (Ed25519) and 6x (P-256) the JDK's signatures per second. */
    BOUNCYCASTLE,
    /** The JDK's own SunEC provider. */
    JDK;

    /** The name used in configuration, the banner and metrics, e.g. {@code aws-lc}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a configured name ({@code aws-lc}, {@code bouncycastle}, {@code jdk}), ignoring case. */
    public static Optional<SignerProvider> parse(String name) {
        return Arrays.stream(values()).filter(p -> p.configName().equalsIgnoreCase(name.trim())).findFirst();
    }
}
