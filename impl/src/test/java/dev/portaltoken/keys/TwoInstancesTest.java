package dev.portaltoken.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Secret;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.db.Database;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several instances on one PostgreSQL, as behind a load balancer: started at once on an empty
 * database they create one key between them, and after a rotation made by the CLI they all sign
 * with the new key and publish the same JWKS.
 */
class TwoInstancesTest {
    private static final String KEK = TestServer.newKeyEncryptionKey();
    private static EmbeddedDatabases.Opened database;
    private static Map<String, String> env;

    @BeforeAll
    static void emptyDatabase() throws Exception {
        database = EmbeddedDatabases.open("shared");
        Path dataDir = database.dataDir();
        env = Map.of("DATABASE_URL", reachable(dataDir).jdbcUrl().orElseThrow(), "DATABASE_USER", "postgres",
                "DATABASE_PASSWORD", reachable(dataDir).password().orElseThrow().reveal(),
                "PORTAL_KEY_ENCRYPTION_KEY", KEK, "PORTAL_KEY_REFRESH_SECONDS", "1");
    }

    /** The embedded database of {@code dataDir} as the instances reach it: its socket and password. */
    private static DatabaseConfig reachable(Path dataDir) throws java.io.IOException {
        return Database.embeddedAsExternal(dataDir, 4);
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    private static long count(String sql) throws Exception {
        return Sql.count(database.dataSource()::getConnection, sql);
    }

    private static Set<String> publishedKids(TestServer server) {
        return Tokens.jwks(server.http()).getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
    }

    @Test
    void instancesStartedAtOnceCreateOneKeyAndAgreeAfterACliRotation() throws Exception {
        CompletableFuture<TestServer> startingA = CompletableFuture.supplyAsync(() -> TestServer.start(env));
        CompletableFuture<TestServer> startingB = CompletableFuture.supplyAsync(() -> TestServer.start(env));
        try (TestServer a = startingA.get(); TestServer b = startingB.get()) {
            assertEquals(1, count("SELECT count(*) FROM signing_key WHERE alg = 'EdDSA'"), "one key, not one each");
            a.createTenant("acme");
            String apiKey = a.createApiKey("acme");
            String customer = a.createCustomer("acme", "shared");
            Http.Reply fromA = a.http().mint(apiKey, customer, null);
            Http.Reply fromB = b.http().mint(apiKey, customer, null);
            assertEquals(200, fromA.status(), fromA::toString);
            assertEquals(200, fromB.status(), fromB::toString);
            String tokenA = fromA.json().get("token").asText();
            String tokenB = fromB.json().get("token").asText();
            String first = Tokens.kid(tokenA);
            assertEquals(first, Tokens.kid(tokenB), "both sign with the same active key");
            assertEquals(publishedKids(a), publishedKids(b));
            Tokens.verifyWithJwks(b.http(), tokenA);
            Tokens.verifyWithJwks(a.http(), tokenB);

            CliRun.Result rotate = CliRun.run(env, "keys", "rotate");
            assertEquals(0, rotate.exit(), rotate::toString);
            String second = rotate.lastLine();
            assertNotEquals(first, second);
            for (TestServer server : List.of(a, b)) {
                Await.until(Await.PICKUP, "every instance signs with " + second, () -> second.equals(
                        Tokens.kid(server.http().mint(apiKey, customer, null).json().get("token").asText())));
            }
            assertTrue(publishedKids(a).containsAll(Set.of(first, second)), "the old key stays published");
            assertEquals(publishedKids(a), publishedKids(b), "every instance publishes the same JWKS");
            for (TestServer server : List.of(a, b)) {
                Tokens.verifyWithJwks(server.http(), tokenA);
                Tokens.verifyWithJwks(server.http(), tokenB);
            }
        }
    }

    @Test
    void aRotatedInKeyIsPublishedEverywhereBeforeAnyInstanceSignsWithIt() throws Exception {
        try (EmbeddedDatabases.Opened own = EmbeddedDatabases.open("publish-first")) {
            Path dataDir = own.dataDir();
            Map<String, String> ownEnv = new java.util.HashMap<>(env);
            ownEnv.put("DATABASE_URL", reachable(dataDir).jdbcUrl().orElseThrow());
            ownEnv.put("DATABASE_PASSWORD", reachable(dataDir).password().orElseThrow().reveal());
            rotateUnderTwoInstances(ownEnv);
        }
    }

    private static void rotateUnderTwoInstances(Map<String, String> env) throws Exception {
        try (TestServer a = TestServer.start(env); TestServer b = TestServer.start(env)) {
            a.createTenant("publish-first");
            String apiKey = a.createApiKey("publish-first");
            String customer = a.createCustomer("publish-first", null);
            String before = Tokens.kid(a.http().mint(apiKey, customer, null).json().get("token").asText());
            CliRun.Result rotate = CliRun.run(env, "keys", "rotate");
            assertEquals(0, rotate.exit(), rotate::toString);
            String rotated = rotate.lastLine();
            boolean sawOldKidAfterRotation = false;
            boolean sawNewKid = false;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!sawNewKid && System.nanoTime() < deadline) {
                for (TestServer signer : List.of(a, b)) {
                    String kid = Tokens.kid(signer.http().mint(apiKey, customer, null).json().get("token").asText());
                    for (TestServer verifier : List.of(a, b)) {
                        assertTrue(publishedKids(verifier).contains(kid),
                                "a token's kid is in every instance's JWKS the moment it is minted: " + kid);
                    }
                    sawOldKidAfterRotation |= kid.equals(before);
                    sawNewKid |= kid.equals(rotated);
                }
                Thread.sleep(100);
            }
            assertTrue(sawOldKidAfterRotation, "right after the rotation the replaced key still signed");
            assertTrue(sawNewKid, "the new key signs once every instance publishes it");
        }
    }

    @Test
    void concurrentFirstKeysForOneAlgorithmMakeExactlyOneActive() throws Exception {
        SigningKeyRepository repository = new SigningKeyRepository(database.dataSource());
        SigningKeyStore store = new SigningKeyStore(repository,
                KeyEncryptionKey.resolve(Optional.of(Secret.ofBytes(java.util.Base64.getDecoder().decode(KEK))), Path.of("unused"), true), SignerProvider.JDK);
        int threads = 6;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                created.add(pool.submit(() -> {
                    together.await();
                    return store.ensureActive(JWSAlgorithm.ES256);
                }));
            }
            int creators = 0;
            for (Future<Boolean> result : created) {
                creators += result.get() ? 1 : 0;
            }
            assertEquals(1, creators, "exactly one caller created the key");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("SELECT count(*) FROM signing_key WHERE alg = 'ES256'"));
        assertEquals(1, count("SELECT count(*) FROM signing_key WHERE alg = 'ES256' AND state = 'active'"));
        String kid = repository.findActiveKid(JWSAlgorithm.ES256).orElseThrow();
        assertNotNull(store.open(kid).signer(), "the key opens with the key encryption key it was sealed with");
    }
}
