package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.keys.SigningKeys.RetireOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;

/**
 * Signing keys in PostgreSQL. Every change of state runs in one transaction under one advisory
 * lock, so that instances starting at once and admin commands never race each other; the partial
 * unique index on active keys backs that up. Times are the database's, the one clock every instance
 * shares. Thread-safe.
 */
final class SigningKeyRepository {
    /** Serialises every change to signing_key across processes ("portalky" in ASCII). */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(8101530513937906041)";
    private static final String COLUMNS = """
            kid, alg, CASE WHEN state = 'retiring' AND retires_at <= now() THEN 'retired' ELSE state END,
            public_jwk, created_at, retires_at""";
    static final String PUBLISHED = "(state = 'active' OR (state = 'retiring' AND retires_at > now()))";
    private static final String FIND_ALL = "SELECT " + COLUMNS + " FROM signing_key ORDER BY created_at DESC, kid";
    private static final String FIND = "SELECT " + COLUMNS + " FROM signing_key WHERE kid = ?";
    /** The published keys, and whether each was stored at least ? ms ago by the database's clock. */
    private static final String FIND_PUBLISHED_SETTLED = "SELECT " + COLUMNS
            + ", created_at <= now() - ? * interval '1 millisecond' FROM signing_key WHERE " + PUBLISHED
            + " ORDER BY state, created_at DESC, kid";
    private static final String FIND_ACTIVE = "SELECT kid FROM signing_key WHERE alg = ? AND state = 'active'";
    private static final String COUNT_ACTIVE = "SELECT count(*) FROM signing_key WHERE state = 'active'";
    private static final String INSERT_ACTIVE = """
            INSERT INTO signing_key (kid, alg, state, public_jwk, private_key_nonce, private_key_sealed)
            VALUES (?, ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String DEMOTE_ACTIVE_OF_ALG = """
            UPDATE signing_key SET state = 'retiring', retiring_since = now(), retires_at = now() + ? * interval '1 second'
             WHERE alg = ? AND state = 'active' RETURNING kid, retires_at""";
    private static final String DEMOTE_ACTIVE = """
            UPDATE signing_key SET state = 'retiring', retiring_since = now(), retires_at = now() + ? * interval '1 second'
             WHERE kid = ? AND state = 'active'""";
    private static final String RETIRE = """
            UPDATE signing_key SET state = 'retired', retires_at = least(retires_at, now()),
                   private_key_nonce = NULL, private_key_sealed = NULL
             WHERE kid = ? AND state = 'retiring'""";
    private static final String RETIRE_EXPIRED = """
            UPDATE signing_key SET state = 'retired', private_key_nonce = NULL, private_key_sealed = NULL
             WHERE state = 'retiring' AND retires_at <= now()""";

    private final DataSource dataSource;
    private final SealedKeyRepository sealed;

    SigningKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sealed = new SealedKeyRepository(dataSource);
    }

    /** A key to store: its public JWK as JSON and its private JWK sealed under the key encryption key. */
    record NewKey(String kid, JWSAlgorithm algorithm, String publicJwk, SealedKey sealed) {
    }

    /** A key that stopped signing: until when it stays published. */
    record Demoted(String kid, Instant retiresAt) {
    }

    /** Every key ever stored, newest first. */
    List<StoredKey> findAll() {
        return query(FIND_ALL, null);
    }

    /** The published keys, and which of them were stored at least {@code settleAfter} ago. */
    PublishedKeys findPublished(Duration settleAfter) {
        return UnitOfWork.withConnection(dataSource, c -> findPublished(c, settleAfter));
    }

    private static PublishedKeys findPublished(Connection c, Duration settleAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_PUBLISHED_SETTLED)) {
            ps.setLong(1, settleAfter.toMillis());
            List<StoredKey> keys = new ArrayList<>();
            Set<String> settled = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredKey key = StoredKey.read(rs);
                    keys.add(key);
                    if (rs.getBoolean(7)) {
                        settled.add(key.kid());
                    }
                }
            }
            return new PublishedKeys(keys, Set.copyOf(settled));
        }
    }

    Optional<StoredKey> find(String kid) {
        return query(FIND, kid).stream().findFirst();
    }

    /** The sealed private halves of the published keys. */
    SealedKeyRepository sealed() {
        return sealed;
    }

    /** The kid of the algorithm's active key. */
    Optional<String> findActiveKid(JWSAlgorithm algorithm) {
        return UnitOfWork.withConnection(dataSource, c -> activeKid(c, algorithm));
    }

    /** Stores {@code key} as its algorithm's active key unless that algorithm has one; true when stored. */
    boolean insertActiveIfNone(NewKey key) {
        return inTransaction(c -> activeKid(c, key.algorithm()).isEmpty() && insertActive(c, key));
    }

    /**
     * In one transaction, the algorithm's active key (if any) becomes retiring until now +
     * {@code retireAfter} and {@code key} becomes active.
     *
     * @return the key that stopped signing
     */
    Optional<Demoted> rotate(NewKey key, Duration retireAfter) {
        return inTransaction(c -> {
            Optional<Demoted> demoted;
            try (PreparedStatement ps = c.prepareStatement(DEMOTE_ACTIVE_OF_ALG)) {
                ps.setLong(1, retireAfter.toSeconds());
                ps.setString(2, key.algorithm().getName());
                try (ResultSet rs = ps.executeQuery()) {
                    demoted = rs.next() ? Optional.of(new Demoted(rs.getString(1), rs.getTimestamp(2).toInstant()))
                            : Optional.empty();
                }
            }
            if (!insertActive(c, key)) {
                throw new SQLException("signing key " + key.kid() + " already exists");
            }
            return demoted;
        });
    }

    /**
     * Moves a key one step on: an active key becomes retiring until now + {@code retireAfter} (never
     * the only active key), a retiring one becomes retired at once.
     */
    RetireOutcome retire(String kid, Duration retireAfter) {
        return inTransaction(c -> {
            Optional<StoredKey> key = query(c, FIND, kid).stream().findFirst();
            if (key.isEmpty()) {
                return RetireOutcome.NOT_FOUND;
            }
            switch (key.get().state()) {
                case RETIRED:
                    return RetireOutcome.ALREADY_RETIRED;
                case ACTIVE:
                    if (countActive(c) <= 1) {
                        return RetireOutcome.ONLY_ACTIVE;
                    }
                    try (PreparedStatement ps = c.prepareStatement(DEMOTE_ACTIVE)) {
                        ps.setLong(1, retireAfter.toSeconds());
                        ps.setString(2, kid);
                        ps.executeUpdate();
                    }
                    return RetireOutcome.NOW_RETIRING;
                default:
                    try (PreparedStatement ps = c.prepareStatement(RETIRE)) {
                        ps.setString(1, kid);
                        ps.executeUpdate();
                    }
                    return RetireOutcome.NOW_RETIRED;
            }
        });
    }

    /** Marks retiring keys past their date retired and erases their private keys; returns how many. */
    int retireExpired() {
        return Sql.update(dataSource, RETIRE_EXPIRED, Sql.NO_PARAMETERS);
    }

    /** One transaction (the unit of work's, when one is open) that holds the signing keys' lock first. */
    private <T> T inTransaction(UnitOfWork.Work<T> work) {
        return UnitOfWork.inTransaction(dataSource, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(LOCK);
            }
            return work.run(c);
        });
    }

    private static Optional<String> activeKid(Connection c, JWSAlgorithm algorithm) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_ACTIVE)) {
            ps.setString(1, algorithm.getName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static long countActive(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COUNT_ACTIVE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean insertActive(Connection c, NewKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ACTIVE)) {
            ps.setString(1, key.kid());
            ps.setString(2, key.algorithm().getName());
            ps.setString(3, key.publicJwk());
            ps.setBytes(4, key.sealed().nonce());
            ps.setBytes(5, key.sealed().ciphertext());
            return ps.executeUpdate() == 1;
        }
    }

    private List<StoredKey> query(String sql, String kid) {
        return UnitOfWork.withConnection(dataSource, c -> query(c, sql, kid));
    }

    private static List<StoredKey> query(Connection c, String sql, String kid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (kid != null) {
                ps.setString(1, kid);
            }
            List<StoredKey> keys = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(StoredKey.read(rs));
                }
            }
            return keys;
        }
    }
}
