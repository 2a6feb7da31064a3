package dev.portaltoken.keys;

import dev.portaltoken.db.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The private halves of the published signing keys, sealed under the key encryption key, as
 * {@link SigningKeyRepository} stores them (reads only; retired keys have none). Thread-safe.
 */
final class SealedKeyRepository {
    private static final String SEALED = "SELECT kid, private_key_nonce, private_key_sealed FROM signing_key WHERE "
            + SigningKeyRepository.PUBLISHED;
    private static final String FIND = SEALED + " AND kid = ?";
    private static final String FIND_ALL = SEALED + " ORDER BY kid";

    private final DataSource dataSource;

    SealedKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The sealed private key of a published key. */
    Optional<SealedKey> find(String kid) {
        return Sql.first(dataSource, FIND, ps -> ps.setString(1, kid), SealedKeyRepository::sealedKey);
    }

    /** The sealed private keys of every published key, by kid. */
    Map<String, SealedKey> findAll() {
        Map<String, SealedKey> sealed = new LinkedHashMap<>();
        Sql.forEach(dataSource, FIND_ALL, Sql.NO_PARAMETERS, rs -> sealed.put(rs.getString(1), sealedKey(rs)));
        return sealed;
    }

    /** True when some published key has a sealed private key (so a key encryption key is needed). */
    boolean any() {
        return !findAll().isEmpty();
    }

    private static SealedKey sealedKey(ResultSet rs) throws SQLException {
        return new SealedKey(rs.getBytes(2), rs.getBytes(3));
    }
}
