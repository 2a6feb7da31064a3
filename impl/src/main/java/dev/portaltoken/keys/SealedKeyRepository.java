package dev.portaltoken.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    Optional<SealedKey> find(String kid) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(sealedKey(rs)) : Optional.empty();
            }
        }
    }

    /** The sealed private keys of every published key, by kid. */
    Map<String, SealedKey> findAll() throws SQLException {
        Map<String, SealedKey> sealed = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(FIND_ALL)) {
            while (rs.next()) {
                sealed.put(rs.getString(1), sealedKey(rs));
            }
        }
        return sealed;
    }

    /** True when some published key has a sealed private key (so a key encryption key is needed). */
    boolean any() throws SQLException {
        return !findAll().isEmpty();
    }

    private static SealedKey sealedKey(ResultSet rs) throws SQLException {
        return new SealedKey(rs.getBytes(2), rs.getBytes(3));
    }
}
