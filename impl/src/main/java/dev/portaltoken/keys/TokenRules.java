package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.config.Secret;
import dev.portaltoken.config.Setting;
import dev.portaltoken.config.TokenAudience;
import java.util.Optional;

/**
 * What this server's tokens carry, which verification requires of every token: the algorithm it
 * signs, the HS256 secret exactly when that algorithm is HS256 (a secret configured beside an
 * asymmetric algorithm verifies nothing), the {@code iss}, the {@code aud} by algorithm, and an
 * {@code iat} and an {@code exp} no more than the longest token lifetime apart. Immutable.
 *
 * @param signs        the algorithm new tokens are signed with
 * @param sharedSecret the HS256 secret, present exactly when {@code signs} is HS256
 * @param issuer       their {@code iss}
 * @param audience     their {@code aud} by algorithm
 */
public record TokenRules(JWSAlgorithm signs, Optional<Secret> sharedSecret, String issuer, TokenAudience audience) {
    public TokenRules {
        if (sharedSecret.isPresent() != JWSAlgorithm.HS256.equals(signs)) {
            throw new IllegalArgumentException("the shared secret verifies tokens exactly when HS256 signs them");
        }
    }

    /** The rules of a server signing with {@code signs}: the configured secret is kept only when that is HS256. */
    public static TokenRules of(JWSAlgorithm signs, Optional<Secret> configuredSecret, String issuer,
                                TokenAudience audience) {
        return new TokenRules(signs, configuredSecret.filter(s -> JWSAlgorithm.HS256.equals(signs)), issuer, audience);
    }

    /**
     * Checks the claims of a token whose signature verified with {@code algorithm}.
     *
     * @throws TokenRejectedException with the reason
     */
    void check(JWSAlgorithm algorithm, JWTClaimsSet claims) {
        if (!issuer.equals(claims.getIssuer())) {
            throw TokenVerifier.reject("not issued by this server (iss is not '" + issuer + "')");
        }
        Optional<String> expected = audience.of(algorithm);
        if (expected.isPresent() && (claims.getAudience() == null || !claims.getAudience().contains(expected.get()))) {
            throw TokenVerifier.reject("wrong audience (expected '" + expected.get() + "')");
        }
        if (expected.isEmpty() && claims.getClaim("aud") != null) {
            throw TokenVerifier.reject("an aud claim, but " + algorithm + " tokens carry none unless "
                    + Setting.TOKEN_AUDIENCE.env() + " is set (upstream's portal rejects any)");
        }
        if (claims.getExpirationTime() == null) {
            throw TokenVerifier.reject("no exp claim");
        }
        if (claims.getIssueTime() == null) {
            throw TokenVerifier.reject("no iat claim");
        }
        long lifetime = claims.getExpirationTime().getTime() / 1000 - claims.getIssueTime().getTime() / 1000;
        if (lifetime > TokenLifetime.MAX_SECONDS) {
            throw TokenVerifier.reject("a lifetime of " + lifetime + " s, longer than any token this server issues ("
                    + TokenLifetime.MAX_SECONDS + " s)");
        }
    }
}
