package dev.portaltoken.auth;

import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.db.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * API keys in PostgreSQL, and operator portal keys beside them (a key without a tenant). Thread-safe.
 */
public final class ApiKeyRepository implements ActiveKeys {
    private static final String FIND_ACTIVE = """
            SELECT k.secret_sha256, t.id, t.slug, t.portal_url, k.name, t.api_url
              FROM api_key k LEFT JOIN tenant t ON t.id = k.tenant_id
             WHERE k.id = ? AND k.portal = ? AND k.admin = ? AND k.revoked_at IS NULL""";
    private static final String INSERT =
            "INSERT INTO api_key (id, tenant_id, name, secret_sha256, hint, portal, admin) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String LIST = """
            SELECT id, hint, name, created_at, last_used_at, revoked_at
              FROM api_key WHERE tenant_id = ? ORDER BY created_at, id""";
    private static final String LIST_PORTAL = """
            SELECT id, hint, name, created_at, last_used_at, revoked_at
              FROM api_key WHERE portal ORDER BY created_at, id""";
    private static final String LIST_ADMIN = """
            SELECT id, hint, name, created_at, last_used_at, revoked_at
              FROM api_key WHERE admin ORDER BY created_at, id""";
    /** At most one write a minute per key, whatever the traffic. */
    private static final String TOUCH = """
            UPDATE api_key SET last_used_at = now()
             WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""";
    /** The keys of one kind: a tenant's (its id given), portal keys or admin keys (no tenant given). */
    private static final String OF_KIND = " FROM api_key WHERE tenant_id IS NOT DISTINCT FROM ?::uuid AND portal = ? AND admin = ?";
    private static final String LISTED = "id, hint, name, created_at, last_used_at, revoked_at";
    /** A page of one kind's keys by id (UUIDv7: creation order), after a given id. */
    private static final String PAGE = "SELECT " + LISTED + OF_KIND + " AND id > ? ORDER BY id LIMIT ?";
    private static final String REVOKE = "UPDATE api_key SET revoked_at = now()" + OF_KIND.replace(" FROM api_key", "")
            + " AND id = ? AND revoked_at IS NULL RETURNING " + LISTED;
    /** The active admin keys, locked until the transaction ends: so two revocations never leave none. */
    private static final String LOCK_ACTIVE_ADMIN = "SELECT id FROM api_key WHERE admin AND revoked_at IS NULL FOR UPDATE";
    private static final String INSERT_RETURNING = INSERT + " RETURNING " + LISTED;

    private final DataSource dataSource;

    public ApiKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** An unrevoked key's stored secret hash and the caller it stands for. */
    record ActiveKey(byte[] secretSha256, Caller caller) {
    }

    @Override
    public Optional<ActiveKey> findActive(UUID keyId, Caller.Kind kind) {
        return Sql.first(dataSource, FIND_ACTIVE, ps -> {
            ps.setObject(1, keyId);
            ps.setBoolean(2, kind == Caller.Kind.PORTAL);
            ps.setBoolean(3, kind == Caller.Kind.ADMIN);
        }, rs -> new ActiveKey(rs.getBytes(1), switch (kind) {
            case PORTAL -> Caller.portal(keyId, rs.getString(5));
            case ADMIN -> Caller.admin(keyId, rs.getString(5));
            case TENANT -> Caller.tenant(rs.getObject(2, UUID.class), rs.getString(3), keyId, rs.getString(4),
                    rs.getString(6));
        }));
    }

    /** Hands each of the tenant's keys to {@code each}, oldest first, as they are read. */
    public void list(ReadSnapshot snapshot, UUID tenantId, Consumer<ListedKey> each) {
        snapshot.forEach(LIST, ps -> ps.setObject(1, tenantId), ApiKeyRepository::listed, each);
    }

    /** Hands each operator portal key to {@code each}, oldest first, as they are read. */
    public void listPortal(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        snapshot.forEach(LIST_PORTAL, ps -> { }, ApiKeyRepository::listed, each);
    }

    /** Hands each admin key to {@code each}, oldest first, as they are read. */
    public void listAdmin(ReadSnapshot snapshot, Consumer<ListedKey> each) {
        snapshot.forEach(LIST_ADMIN, ps -> { }, ApiKeyRepository::listed, each);
    }

    private static ListedKey listed(ResultSet rs) throws SQLException {
        return new ListedKey(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
                instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)));
    }

    /** Records that the key was used (at minute granularity). */
    @Override
    public void touch(UUID keyId) {
        Sql.update(dataSource, TOUCH, ps -> ps.setObject(1, keyId));
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Stores a new key of {@code kind} ({@code tenantId} for a tenant's key only). @return it as listed */
    ListedKey insert(Caller.Kind kind, UUID tenantId, String name, ApiKeyFormat.Generated key) {
        return Sql.first(dataSource, INSERT_RETURNING, ps -> {
            ps.setObject(1, key.id());
            ps.setObject(2, tenantId);
            ps.setString(3, name);
            ps.setBytes(4, key.secretHash());
            ps.setString(5, key.hint());
            ps.setBoolean(6, kind == Caller.Kind.PORTAL);
            ps.setBoolean(7, kind == Caller.Kind.ADMIN);
        }, ApiKeyRepository::listed).orElseThrow();
    }

    /** Stores a tenant's API key, or with {@code tenantId} null an operator portal key. */
    public void insert(UUID tenantId, String name, ApiKeyFormat.Generated key) {
        insert(tenantId == null ? Caller.Kind.PORTAL : Caller.Kind.TENANT, tenantId, name, key);
    }

    /** At most {@code limit} keys of {@code kind} by id, after {@code afterId}. */
    java.util.List<ListedKey> page(Caller.Kind kind, UUID tenantId, UUID afterId, int limit) {
        java.util.List<ListedKey> keys = new java.util.ArrayList<>();
        Sql.forEach(dataSource, PAGE, ps -> {
            bindKind(ps, kind, tenantId);
            ps.setObject(4, afterId);
            ps.setInt(5, limit);
        }, rs -> keys.add(listed(rs)));
        return keys;
    }

    /** Revokes the unrevoked key {@code keyId} of {@code kind}. @return it as revoked; empty when there is none */
    Optional<ListedKey> revoke(Caller.Kind kind, UUID tenantId, UUID keyId) {
        return Sql.first(dataSource, REVOKE, ps -> {
            bindKind(ps, kind, tenantId);
            ps.setObject(4, keyId);
        }, ApiKeyRepository::listed);
    }

    /** Revokes a tenant's unrevoked key, without an audit record (tests). @return false when there is none */
    public boolean revoke(UUID tenantId, UUID keyId) {
        return revoke(Caller.Kind.TENANT, tenantId, keyId).isPresent();
    }

    /** The ids of the active admin keys, locked for the rest of the transaction this thread has open. */
    java.util.Set<UUID> lockActiveAdminKeys() {
        java.util.Set<UUID> ids = new java.util.HashSet<>();
        Sql.forEach(dataSource, LOCK_ACTIVE_ADMIN, Sql.NO_PARAMETERS, rs -> ids.add(rs.getObject(1, UUID.class)));
        return ids;
    }

    DataSource dataSource() {
        return dataSource;
    }

    private static void bindKind(java.sql.PreparedStatement ps, Caller.Kind kind, UUID tenantId) throws SQLException {
        ps.setObject(1, kind == Caller.Kind.TENANT ? tenantId : null);
        ps.setBoolean(2, kind == Caller.Kind.PORTAL);
        ps.setBoolean(3, kind == Caller.Kind.ADMIN);
    }
}
