package dev.portaltoken.meteroid;

import dev.portaltoken.db.Sql;
import dev.portaltoken.keys.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Each tenant's connection to its upstream Meteroid, its secrets sealed. Thread-safe. */
final class ConnectionRepository {
    private static final String COLUMNS = "tenant_id, api_url, api_key_hint, api_key_nonce, api_key_sealed,"
            + " webhook_secret_nonce, webhook_secret_sealed, last_sync_at, last_sync_result";
    private static final String FIND = "SELECT " + COLUMNS + " FROM meteroid_connection WHERE tenant_id = ?";
    private static final String WITH_API_KEY = "SELECT " + COLUMNS + " FROM meteroid_connection"
            + " WHERE api_key_sealed IS NOT NULL ORDER BY tenant_id";
    /** A null sealed value keeps what is stored; the URL is always set. */
    private static final String UPSERT = """
            INSERT INTO meteroid_connection AS m (tenant_id, api_url, api_key_hint, api_key_nonce, api_key_sealed,
                                                  webhook_secret_nonce, webhook_secret_sealed)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id) DO UPDATE SET
                api_url = EXCLUDED.api_url,
                api_key_hint = COALESCE(EXCLUDED.api_key_hint, m.api_key_hint),
                api_key_nonce = COALESCE(EXCLUDED.api_key_nonce, m.api_key_nonce),
                api_key_sealed = COALESCE(EXCLUDED.api_key_sealed, m.api_key_sealed),
                webhook_secret_nonce = COALESCE(EXCLUDED.webhook_secret_nonce, m.webhook_secret_nonce),
                webhook_secret_sealed = COALESCE(EXCLUDED.webhook_secret_sealed, m.webhook_secret_sealed),
                updated_at = now()""";
    private static final String RECORD_SYNC =
            "UPDATE meteroid_connection SET last_sync_at = now(), last_sync_result = ? WHERE tenant_id = ?";

    private final DataSource dataSource;

    ConnectionRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<Connection> find(UUID tenantId) {
        return Sql.first(dataSource, FIND, ps -> ps.setObject(1, tenantId), ConnectionRepository::connection);
    }

    /** Every connection with an upstream API key (the tenants a periodic sync covers). */
    List<Connection> withApiKey() {
        List<Connection> all = new ArrayList<>();
        Sql.forEach(dataSource, WITH_API_KEY, Sql.NO_PARAMETERS, rs -> all.add(connection(rs)));
        return all;
    }

    /** Creates or updates; a null key or secret keeps the stored one. */
    void save(UUID tenantId, String apiUrl, String apiKeyHint, SecretBox.Sealed apiKey, SecretBox.Sealed webhookSecret) {
        Sql.update(dataSource, UPSERT, ps -> {
            ps.setObject(1, tenantId);
            ps.setString(2, apiUrl);
            ps.setString(3, apiKeyHint);
            ps.setBytes(4, apiKey == null ? null : apiKey.nonce());
            ps.setBytes(5, apiKey == null ? null : apiKey.ciphertext());
            ps.setBytes(6, webhookSecret == null ? null : webhookSecret.nonce());
            ps.setBytes(7, webhookSecret == null ? null : webhookSecret.ciphertext());
        });
    }

    void recordSync(UUID tenantId, String result) {
        Sql.update(dataSource, RECORD_SYNC, ps -> {
            ps.setString(1, result);
            ps.setObject(2, tenantId);
        });
    }

    private static Connection connection(ResultSet rs) throws SQLException {
        Timestamp synced = rs.getTimestamp(8);
        return new Connection(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), sealed(rs, 4),
                sealed(rs, 6), synced == null ? null : synced.toInstant(), rs.getString(9));
    }

    private static SecretBox.Sealed sealed(ResultSet rs, int column) throws SQLException {
        byte[] nonce = rs.getBytes(column);
        return nonce == null ? null : new SecretBox.Sealed(nonce, rs.getBytes(column + 1));
    }
}
