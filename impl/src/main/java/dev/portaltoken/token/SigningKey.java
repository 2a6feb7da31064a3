package dev.portaltoken.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import java.util.Optional;

/**
 * The key portal tokens are signed with: its algorithm, its {@code kid}, a thread-safe signer built
 * once, and its public half for the JWKS (empty for a shared HS256 secret, which is never published).
 */
public record SigningKey(JWSAlgorithm algorithm, String keyId, JWSSigner signer, Optional<JWK> publicJwk) {
    @Override
    public String toString() {
        return "SigningKey[" + algorithm + ", kid=" + keyId + "]";
    }
}
