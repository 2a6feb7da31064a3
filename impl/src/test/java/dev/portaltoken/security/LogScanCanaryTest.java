package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.RuntimeSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs a made-up secret through the server's logging, the way a leak would happen, and notes it as
 * a runtime secret of kind "canary": {@link LogScanIT}, which reads this class's captured output
 * after all tests, must report it (and fails when it does not), which shows the whole path from a
 * log line to a finding works.
 */
class LogScanCanaryTest {
    @Test
    void aSecretLoggedByMistakeIsThereForTheScanToFind() throws Exception {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String canary = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        RuntimeSecrets.record("canary", canary);
        LoggerFactory.getLogger(LogScanCanaryTest.class).warn("a canary for the log scan, logged on purpose: {}", canary);
        Path noted = Path.of(System.getProperty("portal.runtime.secrets", "target/runtime-secrets"))
                .resolve(ProcessHandle.current().pid() + ".tsv");
        assertTrue(Files.readString(noted).contains(RuntimeSecrets.sha256(canary)), "noted for the scan");
    }
}
