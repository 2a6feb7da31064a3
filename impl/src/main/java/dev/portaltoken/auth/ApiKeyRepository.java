package dev.portaltoken.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** API keys in PostgreSQL. Thread-safe. */
public final class ApiKeyRepository {
    private static final String FIND_ACTIVE = """
            SELECT k.secret_sha256, t.id, t.slug, t.portal_url
              FROM api_key k JOIN tenant t ON t.id = k.tenant_id
             WHERE k.id = ? AND k.revoked_at IS NULL""";
    private static final String INSERT =
            "INSERT INTO api_key (id, tenant_id, name, secret_sha256, hint) VALUES (?, ?, ?, ?, ?)";
    private static final String REVOKE =
            "UPDATE api_key SET revoked_at = now() WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL";

    private final DataSource dataSource;

    public ApiKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** An unrevoked key's stored secret hash and the caller it stands for. */
    record ActiveKey(byte[] secretSha256, Caller caller) {
    }

    Optional<ActiveKey> findActive(UUID keyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND_ACTIVE)) {
            ps.setObject(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ActiveKey(rs.getBytes(1),
                        new Caller(rs.getObject(2, UUID.class), rs.getString(3), keyId, rs.getString(4))));
            }
        }
    }

    public void insert(UUID tenantId, String name, ApiKeyFormat.Generated key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, key.id());
            ps.setObject(2, tenantId);
            ps.setString(3, name);
            ps.setBytes(4, key.secretHash());
            ps.setString(5, key.hint());
            ps.executeUpdate();
        }
    }

    /** @return false when the tenant has no such unrevoked key */
    public boolean revoke(UUID tenantId, UUID keyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setObject(1, keyId);
            ps.setObject(2, tenantId);
            return ps.executeUpdate() == 1;
        }
    }
}
