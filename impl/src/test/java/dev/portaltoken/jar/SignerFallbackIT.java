package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Tokens;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer choice in the packaged jar, with AWS-LC usable and with it kept from loading. ACCP's own
 * switch {@code com.amazon.corretto.crypto.provider.useExternalLib=true} makes it skip the native
 * library bundled in the jar and look on the system library path, here an empty directory: its
 * loading fails exactly as on a platform without the library. Nothing in the server knows of this
 * switch.
 */
class SignerFallbackIT {
    private static List<String> withoutAwsLc(Path emptyDir) {
        return List.of("-Dcom.amazon.corretto.crypto.provider.useExternalLib=true", "-Djava.library.path=" + emptyDir);
    }

    private static void mintsAVerifiableToken(JarProcess.Server server, String dir, String signer) throws Exception {
        assertEquals(0, JarProcess.run(Map.of(), "tenant", "create", "--slug", "acme", "--data-dir", dir).exit());
        String key = JarProcess.run(Map.of(), "api-key", "create", "--tenant", "acme", "--data-dir", dir).lastLine();
        String customer = JarProcess.run(Map.of(), "customer", "create", "--tenant", "acme", "--data-dir", dir).lastLine();
        Http http = new Http(server.baseUri());
        Http.Reply reply = http.mint(key, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        assertEquals(customer, Tokens.verifyWithJwks(http, reply.json().get("token").asText()).getSubject());
        assertTrue(http.get("/metrics").body().contains("portal_signer_info{alg=\"EdDSA\",signer=\"" + signer + "\"} 1"));
    }

    @Test
    void awsLcSignsByDefaultWhereItLoads(@TempDir Path dataDir) throws Exception {
        String dir = dataDir.toString();
        try (JarProcess.Server server = JarProcess.Server.start(Map.of(), "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dir)) {
            assertTrue(server.output().contains("  signer       aws-lc (AWS-LC "), server.output());
            assertFalse(server.output().contains("signing with BouncyCastle"), server.output());
            mintsAVerifiableToken(server, dir, "aws-lc");
        }
    }

    @Test
    void withoutAwsLcBouncyCastleSignsAndOneInfoLineSaysWhy(@TempDir Path dataDir, @TempDir Path emptyDir)
            throws Exception {
        String dir = dataDir.toString();
        try (JarProcess.Server server = JarProcess.Server.start(withoutAwsLc(emptyDir), Map.of(), "--port", "0",
                "--host", "127.0.0.1", "--data-dir", dir)) {
            String output = server.output();
            assertTrue(output.contains("  signer       bouncycastle (BouncyCastle, pure Java)"), output);
            List<String> why = output.lines().filter(l -> l.contains("signing with BouncyCastle")).toList();
            assertEquals(1, why.size(), output);
            assertTrue(why.get(0).contains(" INFO ") && why.get(0).contains(
                    "signing with BouncyCastle: AWS-LC cannot be used here (its native library did not load ("), output);
            assertFalse(output.contains("\tat "), "no stack trace: " + output);
            mintsAVerifiableToken(server, dir, "bouncycastle");
        }
    }

    @Test
    void aForcedAwsLcThatCannotLoadStopsStartUpWithOneLine(@TempDir Path dataDir, @TempDir Path emptyDir) {
        JarProcess.Result serve = JarProcess.run(withoutAwsLc(emptyDir), Map.of("PORTAL_SIGNER", "aws-lc"), "serve",
                "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString());
        assertEquals(1, serve.exit(), serve::toString);
        List<String> errors = serve.err().lines().filter(l -> !l.isBlank() && !l.contains(" INFO ")).toList();
        assertEquals(1, errors.size(), serve::toString);
        assertTrue(errors.get(0).startsWith("error: PORTAL_SIGNER=aws-lc, but AWS-LC cannot be used here: its native"
                + " library did not load ("), serve::toString);
        assertFalse(serve.err().contains("\tat "), serve::toString);
    }
}
