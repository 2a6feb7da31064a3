package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.Chromium;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Tokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path through the packaged jar: serve on the embedded default, administer it from
 * separate CLI processes while it runs, mint a token and verify it through the JWKS URL, rotate the
 * signing key from the CLI, then stop, use the CLI on the stopped data directory, restart, and find
 * everything still there: keys, customers and the signing keys, so earlier tokens still verify. And
 * the README's first command, {@code serve --demo}: its link opens a working portal page.
 */
class RunAsANewUserIT {
    private static final Pattern PORTAL_LINK = Pattern.compile(
            "(?m)^  (http://localhost:(\\d+)/portal/customer\\?token=(\\S+))$");
    private static final Pattern CURL_KEY = Pattern.compile("curl -s -X POST -H 'Authorization: Bearer (\\S+)' ");

    @Test
    void theDemoPrintsALinkThatOpensAVerifiedPortalPage(@TempDir Path dataDir) throws Exception {
        try (JarProcess.Server server = JarProcess.Server.start(Map.of(), "--demo", "--port", "0",
                "--data-dir", dataDir.toString())) {
            Await.until(Duration.ofSeconds(60), "the demo's portal link",
                    () -> CURL_KEY.matcher(server.output()).find());
            Matcher link = PORTAL_LINK.matcher(server.output());
            assertTrue(link.find(), "a full http://localhost:PORT/portal/customer?token=... line");
            assertEquals(server.baseUri().getPort(), Integer.parseInt(link.group(2)), "the link is this server's own");
            assertTrue(server.output().contains("  API docs     " + server.baseUri() + "docs\n"));
            String token = link.group(3);
            Http http = new Http(server.baseUri());
            JWTClaimsSet claims = Tokens.verifyWithJwks(http, token);
            Http.Reply page = http.get("/portal/customer?token=" + token);
            assertEquals(200, page.status());
            assertTrue(page.header("content-type").startsWith("text/html"), page.header("content-type"));

            Chromium.Page opened = Chromium.require().load(URI.create(link.group(1)), Duration.ofSeconds(3));
            assertEquals("Signature verified", opened.text("headline"), opened::toString);
            assertEquals(claims.getSubject(), opened.text("customer"));
            assertTrue(opened.text("customer").startsWith("cus_"));
            assertEquals(claims.getStringClaim("tenant_id"), opened.text("tenant"));
            assertTrue(opened.text("countdown").matches("in 23 h 59 min \\d+ s"), opened.text("countdown"));
            assertTrue(opened.problems().isEmpty(), opened.problems()::toString);

            Matcher curl = CURL_KEY.matcher(server.output());
            assertTrue(curl.find());
            Http.Reply minted = http.mint(curl.group(1), "demo-customer", null);
            assertEquals(200, minted.status(), minted::toString);
            assertEquals("http://localhost:" + server.baseUri().getPort(), minted.json().get("portal_url").asText(),
                    "in demo mode the server's own URL is the portal URL");
            assertEquals(0, server.stop());
        }
    }

    @Test
    void serveAdministerMintRestart(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("PORTAL_URL", "https://portal.example.test", "PORTAL_KEY_REFRESH_SECONDS", "1");
        String dir = dataDir.toString();
        String key;
        String customer;
        String firstToken;
        String rotatedKid;
        try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dir)) {
            assertTrue(server.output().contains("database     embedded PostgreSQL in"), server.output());
            assertTrue(server.output().contains("generated a new key encryption key into "
                    + dataDir.toAbsolutePath().resolve("key-encryption-key") + " (owner-only)"), server.output());

            assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "acme", "--data-dir", dir).exit());
            JarProcess.Result keyResult = JarProcess.run(env, "api-key", "create", "--tenant", "acme", "--data-dir", dir);
            assertEquals(0, keyResult.exit(), keyResult::toString);
            key = keyResult.lastLine();
            JarProcess.Result customerResult = JarProcess.run(env, "customer", "create", "--tenant", "acme",
                    "--alias", "first", "--data-dir", dir);
            assertEquals(0, customerResult.exit(), customerResult::toString);
            customer = customerResult.lastLine();
            assertTrue(customer.startsWith("cus_"), customer);

            Http http = new Http(server.baseUri());
            Http.Reply reply = http.mint(key, customer, null);
            assertEquals(200, reply.status(), reply::toString);
            assertEquals("https://portal.example.test", reply.json().get("portal_url").asText());
            firstToken = reply.json().get("token").asText();
            JWTClaimsSet claims = Tokens.verifyWithJwks(http, firstToken);
            assertEquals(customer, claims.getSubject());

            JarProcess.Result rotate = JarProcess.run(env, "keys", "rotate", "--data-dir", dir);
            assertEquals(0, rotate.exit(), rotate::toString);
            rotatedKid = rotate.lastLine();
            String expected = rotatedKid;
            Await.until(Await.PICKUP, "the server signs with the rotated key", () -> expected.equals(
                    Tokens.kid(http.mint(key, customer, null).json().get("token").asText())));
            assertEquals(customer, Tokens.verifyWithJwks(http, firstToken).getSubject(),
                    "a token of the previous key still verifies");
            // The token on standard input, not in argv (shell history, ps).
            JarProcess.Result verify = JarProcess.runWithInput(env, firstToken + "\n", "token", "verify", "--data-dir", dir);
            assertEquals(0, verify.exit(), verify::toString);
            assertTrue(verify.out().contains("\"sub\" : \"" + customer + "\""), verify::toString);

            JarProcess.Result duplicate = JarProcess.run(env, "tenant", "create", "--slug", "acme", "--data-dir", dir);
            assertEquals(1, duplicate.exit());
            assertEquals(1, duplicate.err().strip().lines().count(), duplicate::toString);
            assertEquals(0, server.stop(), "SIGTERM stops the server cleanly with exit status 0");
        }

        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("key-encryption-key"))));

        JarProcess.Result offline = JarProcess.run(env, "customer", "create", "--tenant", "acme", "--alias", "second",
                "--data-dir", dir);
        assertEquals(0, offline.exit(), "the CLI runs its own PostgreSQL when no server is up: " + offline);

        try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dir)) {
            Http http = new Http(server.baseUri());
            assertEquals(customer, Tokens.verifyWithJwks(http, firstToken).getSubject(),
                    "a token minted before the restart still verifies: the signing keys survived");
            assertEquals(200, http.mint(key, "first", null).status(), "key and customer survived the restart");
            String second = http.mint(key, "second", null).json().get("token").asText();
            assertEquals(offline.lastLine(), Tokens.verifyWithJwks(http, second).getSubject());
            assertEquals(rotatedKid, Tokens.kid(second), "the rotated key is still the active one");
        }
    }
}
