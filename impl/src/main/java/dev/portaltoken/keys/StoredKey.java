package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
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

    /** The key of the current row of {@code rs}: kid, alg, effective state, public JWK, created_at, retires_at. */
    static StoredKey read(ResultSet rs) throws SQLException {
        Timestamp retiresAt = rs.getTimestamp(6);
        String kid = rs.getString(1);
        JWK publicKey;
        try {
            publicKey = JWK.parse(rs.getString(4));
        } catch (ParseException e) {
            throw new IllegalStateException("the stored public key " + kid + " is not a JWK");
        }
        return new StoredKey(kid, JWSAlgorithm.parse(rs.getString(2)), KeyState.fromDb(rs.getString(3)), publicKey,
                rs.getTimestamp(5).toInstant(), Optional.ofNullable(retiresAt).map(Timestamp::toInstant));
    }
}
