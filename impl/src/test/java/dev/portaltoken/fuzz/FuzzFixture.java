package dev.portaltoken.fuzz;

import dev.portaltoken.ids.Base62;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

/**
 * What the fuzz cases name (customer ids, API keys), made from the run's seed so that a replayed
 * seed sends byte for byte the same requests: tenants acme and globex, acme's key, a revoked acme
 * key and globex's key, acme's customers "fuzz-alias" and "shared", and globex's "shared" and
 * "globex-only". {@link #toString()} shows no key.
 */
record FuzzFixture(UUID acmeTenant, UUID globexTenant, Key acmeKey, Key revokedKey, Key globexKey, String acmeId,
                   String acmeSharedId, String globexId, String globexOnlyId) {

    /** An API key: its row id, the secret, and the key as presented. */
    record Key(UUID id, String secret) {
        String presented() {
            return "pt_live_" + secret + "/" + Base62.encode(id);
        }

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    static FuzzFixture of(long seed) {
        Random r = new Random(seed ^ 0x5eed_f1c5L);
        return new FuzzFixture(uuid(r), uuid(r), key(r), key(r), key(r), customerId(r), customerId(r), customerId(r),
                customerId(r));
    }

    /** Writes the tenants, keys and customers into the server's database. */
    void insert(TestServer server) throws SQLException {
        Sql.execute(server::sql,
                "INSERT INTO tenant (id, slug, name) VALUES ('" + acmeTenant + "', 'acme', 'Acme'), ('" + globexTenant
                        + "', 'globex', 'Globex')",
                "INSERT INTO api_key (id, tenant_id, secret_sha256, hint, revoked_at) VALUES "
                        + keyRow(acmeKey, acmeTenant, false) + ", " + keyRow(revokedKey, acmeTenant, true) + ", "
                        + keyRow(globexKey, globexTenant, false),
                "INSERT INTO customer (id, tenant_id, alias) VALUES " + customerRow(acmeId, acmeTenant, "fuzz-alias") + ", "
                        + customerRow(acmeSharedId, acmeTenant, "shared") + ", " + customerRow(globexId, globexTenant, "shared")
                        + ", " + customerRow(globexOnlyId, globexTenant, "globex-only"));
        for (Key key : new Key[] {acmeKey, revokedKey, globexKey}) {
            RuntimeSecrets.record("API key secret", key.secret());
        }
    }

    private static String keyRow(Key key, UUID tenant, boolean revoked) {
        String hint = "pt_live_" + key.secret().substring(0, 4) + "..." + key.secret().substring(39);
        return "('" + key.id() + "', '" + tenant + "', decode('" + sha256Hex(key.secret()) + "', 'hex'), '" + hint + "', "
                + (revoked ? "now()" : "NULL") + ")";
    }

    private static String customerRow(String id, UUID tenant, String alias) {
        return "('" + CustomerIds.parse(id).orElseThrow() + "', '" + tenant + "', '" + alias + "')";
    }

    private static UUID uuid(Random r) {
        return new UUID((r.nextLong() & ~0xf000L) | 0x4000L, (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L);
    }

    private static Key key(Random r) {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 43; i++) {
            secret.append(Base62.digit(r.nextInt(62)));
        }
        return new Key(uuid(r), secret.toString());
    }

    private static String customerId(Random r) {
        return CustomerIds.format(uuid(r));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
