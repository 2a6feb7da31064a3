package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the packaged jar: a key encryption key that does not open the stored signing keys stops
 * {@code serve} (and {@code keys rotate}) with one line on stderr and a non-zero exit, without a
 * stack trace, without echoing the key, and without creating a new signing key.
 */
class KeyEncryptionKeyIT {

    private static void assertOneLineFailure(JarProcess.Result result, String message) {
        assertNotEquals(0, result.exit(), result::toString);
        assertEquals(1, result.err().strip().lines().count(), result::toString);
        assertTrue(result.err().startsWith("error: " + message), result::toString);
        assertFalse(result.err().contains("Exception"), result::toString);
        assertFalse(result.err().contains("\tat "), result::toString);
        assertEquals("", result.out(), result::toString);
    }

    @Test
    void aKeyThatDoesNotOpenTheStoredKeysRefusesToStart(@TempDir Path dataDir) {
        String dir = EmbeddedDatabases.create(dataDir).toString();
        String right = TestServer.newKeyEncryptionKey();
        String wrong = TestServer.newKeyEncryptionKey();
        JarProcess.Result created = JarProcess.run(Map.of("PORTAL_KEY_ENCRYPTION_KEY", right), "keys", "rotate",
                "--data-dir", dir);
        assertEquals(0, created.exit(), created::toString);
        String kid = created.lastLine();

        JarProcess.Result serve = JarProcess.run(Map.of("PORTAL_KEY_ENCRYPTION_KEY", wrong), "serve", "--port", "0",
                "--host", "127.0.0.1", "--data-dir", dir);
        assertOneLineFailure(serve, "PORTAL_KEY_ENCRYPTION_KEY does not decrypt the stored signing key " + kid
                + ": it is not the key encryption key the signing keys were stored with");
        assertFalse(serve.err().contains(wrong) || serve.err().contains(right), "no key is echoed");

        assertOneLineFailure(JarProcess.run(Map.of("PORTAL_KEY_ENCRYPTION_KEY", wrong), "keys", "rotate",
                "--data-dir", dir), "PORTAL_KEY_ENCRYPTION_KEY does not decrypt the stored signing key " + kid);

        assertOneLineFailure(JarProcess.run(Map.of(), "serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir),
                "PORTAL_KEY_ENCRYPTION_KEY is not set and there is no "
                        + dataDir.toAbsolutePath().resolve(SigningKeys.KEY_ENCRYPTION_KEY_FILE));
        assertFalse(Files.exists(dataDir.resolve(SigningKeys.KEY_ENCRYPTION_KEY_FILE)), "no useless key encryption key is generated");

        assertOneLineFailure(JarProcess.run(Map.of("PORTAL_KEY_ENCRYPTION_KEY", "c2VjcmV0"), "serve", "--data-dir", dir),
                "PORTAL_KEY_ENCRYPTION_KEY: must be a base64-encoded 256-bit key");

        JarProcess.Result list = JarProcess.run(Map.of(), "keys", "list", "--data-dir", dir);
        assertEquals(0, list.exit(), list::toString);
        assertEquals(2, list.out().strip().lines().count(), "still only the one key: " + list);
        assertTrue(list.out().contains(kid + "  EdDSA  active"), list::toString);
    }

    @Test
    void aWrongKeyInTheDataDirectoryFileRefusesToStartNamingTheFile(@TempDir Path dataDir) throws Exception {
        String dir = EmbeddedDatabases.create(dataDir).toString();
        JarProcess.Result created = JarProcess.run(Map.of(), "keys", "rotate", "--alg", "ES256", "--data-dir", dir);
        assertEquals(0, created.exit(), created::toString);
        Path file = dataDir.toAbsolutePath().resolve(SigningKeys.KEY_ENCRYPTION_KEY_FILE);
        assertTrue(Files.exists(file), "generated on first use");
        Files.writeString(file, TestServer.newKeyEncryptionKey() + "\n");

        assertOneLineFailure(JarProcess.run(Map.of(), "serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir),
                file + " does not decrypt the stored signing key " + created.lastLine());
    }
}
