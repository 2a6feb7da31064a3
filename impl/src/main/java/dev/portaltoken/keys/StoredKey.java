package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Optional;

/**
 * A signing key's public facts as stored.
 *
 * @param state     the effective state: a retiring key past {@code retiresAt} is {@link KeyState#RETIRED}
 * @param publicKey its public JWK with {@code kid}, {@code alg} and {@code use}
 * @param retiresAt when it leaves (or left) the JWKS; empty while active
 */
public record StoredKey(String kid, JWSAlgorithm algorithm, KeyState state, JWK publicKey, Instant createdAt,
                        Optional<Instant> retiresAt) {
}
