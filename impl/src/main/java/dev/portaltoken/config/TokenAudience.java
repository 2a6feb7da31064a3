package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Optional;

/**
 * The {@code aud} claim tokens carry and {@code token verify} expects: the configured audience for
 * every algorithm, or when none is configured, {@value #ASYMMETRIC_DEFAULT} for EdDSA and ES256
 * tokens and none for HS256 tokens, which upstream's portal rejects when they carry any {@code aud}.
 * Immutable.
 *
 * @param configured {@code PORTAL_TOKEN_AUDIENCE}, when set
 */
public record TokenAudience(Optional<String> configured) {
    /** The audience of EdDSA and ES256 tokens when none is configured. */
    public static final String ASYMMETRIC_DEFAULT = "customer-portal";

    /** The {@code aud} of a token signed with {@code algorithm}; empty: the token has none. */
    public Optional<String> of(JWSAlgorithm algorithm) {
        if (configured.isPresent()) {
            return configured;
        }
        return JWSAlgorithm.HS256.equals(algorithm) ? Optional.empty() : Optional.of(ASYMMETRIC_DEFAULT);
    }
}
