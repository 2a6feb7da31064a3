package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.StoppablePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One million live revoked tokens (ten tenants at the default limit of 100,000 each), held by the packaged
 * server under the production launch ({@code -Xms64m -Xmx128m -XX:+UseSerialGC}): it starts, reads
 * them in pages, serves, and holds each in at most 32 bytes. The figures (start-up time, heap) are
 * printed for docs/operations.md, not asserted: this machine is shared.
 */
class ManyRevocationsIT {
    private static final int REVOKED = 1_000_000;
    private static final List<String> PRODUCTION = List.of("-Xms64m", "-Xmx128m", "-XX:+UseSerialGC");

    @Test
    void aMillionLiveRevocationsFitTheProductionHeapAndTheServerStartsAndServes() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres().start()) {
            Map<String, String> env = Map.of("DATABASE_URL", postgres.jdbcUrl(), "DATABASE_USER", "postgres",
                    "PORTAL_KEY_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                    "PORTAL_RATE_LIMIT_PER_SECOND", "0");
            assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "busy").exit());
            String key = JarProcess.run(env, "api-key", "create", "--tenant", "busy").lastLine();
            String customer = JarProcess.run(env, "customer", "create", "--tenant", "busy").lastLine();
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                 Statement s = c.createStatement()) {
                // Ten tenants at the default limit of 100,000 each; "busy", the one the test calls with, has none yet.
                s.execute("INSERT INTO tenant (id, slug, name) SELECT gen_random_uuid(), 'revoker-' || t, 'Revoker'"
                        + " FROM generate_series(0, 9) AS t");
                s.execute("ALTER TABLE revoked_token DISABLE TRIGGER token_revoked");
                s.execute("INSERT INTO revoked_token (jti, tenant_id, expires_at)"
                        + " SELECT gen_random_uuid(), (SELECT id FROM tenant WHERE slug = 'revoker-' || (i % 10)),"
                        + " now() + (i % 86400) * interval '1 second' + interval '1 hour'"
                        + " FROM generate_series(1, " + REVOKED + ") AS i");
                s.execute("ALTER TABLE revoked_token ENABLE TRIGGER token_revoked");
            }

            long started = System.nanoTime();
            try (JarProcess.Server server = JarProcess.Server.start(PRODUCTION, env, "--port", "0")) {
                long listening = System.nanoTime();
                Http http = new Http(server.baseUri());
                Await.until(Duration.ofMinutes(3), "ready", () -> http.get("/readyz").status() == 200);
                long ready = System.nanoTime();

                Http.Reply minted = http.mint(key, customer, null);
                assertEquals(200, minted.status(), minted::toString);
                String token = minted.json().get("token").asText();
                assertTrue(active(http, key, token), "a fresh token is active");
                Http.Reply revoked = http.post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + key),
                        "{\"token\": \"" + token + "\"}", "application/json");
                assertEquals(200, revoked.status(), revoked::toString);
                assertEquals(false, active(http, key, token), "and inactive once revoked");

                double ids = Prometheus.present(http, "portal_revocations_token_ids");
                double bytes = Prometheus.present(http, "portal_revocations_bytes");
                assertTrue(ids >= REVOKED, "every live revocation is held: " + ids);
                assertTrue(bytes / ids <= 32, "at most 32 bytes per revoked token id: " + bytes / ids);
                double heapUsed = Prometheus.present(http, "jvm_memory_used_bytes", "area=\"heap\"");
                System.out.printf("%d live revocations: listening after %.1f s, ready after %.1f s; tables %.1f MiB"
                                + " (%.1f bytes per id); heap in use %.1f MiB of 128%n", (long) ids,
                        (listening - started) / 1e9, (ready - started) / 1e9, bytes / (1 << 20), bytes / ids,
                        heapUsed / (1 << 20));
            }
        }
    }

    private static boolean active(Http http, String key, String token) {
        Http.Reply reply = http.post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }
}
