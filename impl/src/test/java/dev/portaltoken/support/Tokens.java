package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies tokens the way a portal would: fetch the JWKS over HTTP, pick the key by {@code kid},
 * check the signature with Nimbus's own verifiers (Tink's Ed25519, the JDK's ECDSA), independent
 * of the server's signers.
 */
public final class Tokens {
    private Tokens() {
    }

    public static JWKSet jwks(Http http) {
        Http.Reply reply = http.get("/.well-known/jwks.json");
        if (reply.status() != 200) {
            throw new AssertionError("JWKS: " + reply);
        }
        try {
            return JWKSet.parse(reply.body());
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** The kid in a token's header. */
    public static String kid(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** A token's lifetime: {@code exp - iat} in seconds. */
    public static long lifetimeSeconds(JWTClaimsSet claims) {
        return (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
    }

    /** Parses {@code token}, verifies it against the served JWKS, and returns its claims. */
    public static JWTClaimsSet verifyWithJwks(Http http, String token) throws Exception {
        return verifyWith(jwks(http), token);
    }

    /** Verifies {@code token} against a JWKS fetched earlier, and returns its claims. */
    public static JWTClaimsSet verifyWith(JWKSet jwks, String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        String kid = jwt.getHeader().getKeyID();
        assertNotNull(kid, "token has no kid");
        JWK key = jwks.getKeyByKeyId(kid);
        assertNotNull(key, "kid " + kid + " is not in the JWKS");
        assertFalse(key.isPrivate(), "JWKS publishes a private key");
        assertEquals(jwt.getHeader().getAlgorithm(), key.getAlgorithm(), "the key's alg is the token's");
        JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new Ed25519Verifier((OctetKeyPair) key);
        assertTrue(jwt.verify(verifier), "signature does not verify with the published key");
        return jwt.getJWTClaimsSet();
    }
}
