package dev.portaltoken.ratelimit;

import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Each instance's running totals of requests taken per API key, in PostgreSQL. Thread-safe. */
final class RateLimitRepository {
    private static final String WRITE = """
            INSERT INTO rate_limit_consumption (api_key_id, instance_id, consumed)
            SELECT k, ?, c FROM unnest(?::uuid[], ?::bigint[]) AS t (k, c)
            ON CONFLICT (api_key_id, instance_id)
            DO UPDATE SET consumed = EXCLUDED.consumed, updated_at = now()""";
    private static final String READ_OTHERS = """
            SELECT api_key_id, instance_id, consumed, created_at, now() FROM rate_limit_consumption
             WHERE instance_id <> ? AND updated_at >= ?""";
    private static final String DELETE_IDLE = "DELETE FROM rate_limit_consumption WHERE updated_at < now() - interval '10 minutes'";

    /** Told each row read. */
    interface Row {
        void accept(UUID apiKeyId, UUID instanceId, long consumed, Instant createdAt);
    }

    private final DataSource dataSource;

    RateLimitRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes this instance's running totals of the keys given; then reads the others' rows updated since {@code since}; returns the database's time of the read. */
    Instant sync(UUID instanceId, Map<UUID, Long> totals, Instant since, Row others) {
        return UnitOfWork.withConnection(dataSource, connection -> {
            if (!totals.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(WRITE)) {
                    Array keys = connection.createArrayOf("uuid", totals.keySet().toArray());
                    Array counts = connection.createArrayOf("bigint", totals.values().toArray());
                    ps.setObject(1, instanceId);
                    ps.setArray(2, keys);
                    ps.setArray(3, counts);
                    ps.executeUpdate();
                }
            }
            Instant now = Instant.EPOCH;
            try (PreparedStatement ps = connection.prepareStatement(READ_OTHERS)) {
                ps.setObject(1, instanceId);
                ps.setTimestamp(2, Timestamp.from(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        others.accept(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getLong(3),
                                rs.getTimestamp(4).toInstant());
                        now = rs.getTimestamp(5).toInstant();
                    }
                }
            }
            return now.equals(Instant.EPOCH) ? databaseNow(connection) : now;
        });
    }

    /** Deletes the rows no instance has updated for ten minutes; how many. */
    int deleteIdle() {
        return Sql.update(dataSource, DELETE_IDLE, Sql.NO_PARAMETERS);
    }

    private static Instant databaseNow(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }
}
