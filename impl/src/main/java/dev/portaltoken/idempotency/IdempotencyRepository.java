package dev.portaltoken.idempotency;

import dev.portaltoken.db.Sql;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Idempotency keys and their answers in PostgreSQL (V10's idempotency_key). Thread-safe. */
final class IdempotencyRepository {
    /**
     * Claims a key: a new row, or one older than 24 hours taken over; no row when a live one exists.
     * A row another transaction inserted and has not committed makes this wait for it.
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_key (api_key_id, key, request_sha256) VALUES (?, ?, ?)
            ON CONFLICT (api_key_id, key) DO UPDATE
               SET request_sha256 = EXCLUDED.request_sha256, status = NULL, body = NULL, location = NULL,
                   etag = NULL, created_at = now()
             WHERE idempotency_key.created_at < now() - interval '24 hours'
            RETURNING 1""";
    private static final String FIND = """
            SELECT request_sha256, status, body, location, etag FROM idempotency_key
             WHERE api_key_id = ? AND key = ? AND created_at >= now() - interval '24 hours'""";
    private static final String KEEP =
            "UPDATE idempotency_key SET status = ?, body = ?, location = ?, etag = ? WHERE api_key_id = ? AND key = ?";
    private static final String EXPIRE = "DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'";

    private final DataSource dataSource;

    IdempotencyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A kept answer and the hash of the request it answered. */
    record Kept(byte[] requestSha256, IdempotencyKeys.Answer answer) {
    }

    /** @return true when this transaction now holds the key */
    boolean claim(UUID apiKeyId, String key, byte[] requestSha256) {
        return Sql.first(dataSource, CLAIM, ps -> {
            ps.setObject(1, apiKeyId);
            ps.setString(2, key);
            ps.setBytes(3, requestSha256);
        }, rs -> true).isPresent();
    }

    Optional<Kept> find(UUID apiKeyId, String key) {
        return Sql.first(dataSource, FIND, ps -> {
            ps.setObject(1, apiKeyId);
            ps.setString(2, key);
        }, rs -> new Kept(rs.getBytes(1), new IdempotencyKeys.Answer(rs.getInt(2), rs.getString(3), rs.getString(4),
                rs.getString(5))));
    }

    void keep(UUID apiKeyId, String key, IdempotencyKeys.Answer answer) {
        Sql.update(dataSource, KEEP, ps -> {
            ps.setInt(1, answer.status());
            ps.setString(2, answer.body());
            ps.setString(3, answer.location());
            ps.setString(4, answer.etag());
            ps.setObject(5, apiKeyId);
            ps.setString(6, key);
        });
    }

    int expire() {
        return Sql.update(dataSource, EXPIRE, Sql.NO_PARAMETERS);
    }
}
