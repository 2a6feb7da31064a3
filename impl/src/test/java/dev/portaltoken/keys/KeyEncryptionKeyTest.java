package dev.portaltoken.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Secret;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeyTest {
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final byte[] PRIVATE_JWK = "{\"kty\":\"OKP\",\"d\":\"secret\"}".getBytes(StandardCharsets.UTF_8);

    private static KeyEncryptionKey configured(String base64) {
        return KeyEncryptionKey.resolve(Optional.of(Secret.ofBytes(java.util.Base64.getDecoder().decode(base64))), Path.of("unused"), true);
    }

    @Test
    void sealedKeysOpenOnlyWithTheSameKeyAndKid() throws Exception {
        String kek = TestServer.newKeyEncryptionKey();
        KeyEncryptionKey key = configured(kek);
        SealedKey sealed = key.seal("kid-1", PRIVATE_JWK);
        assertEquals(12, sealed.nonce().length, "a 96-bit nonce");
        assertEquals(PRIVATE_JWK.length + 16, sealed.ciphertext().length, "ciphertext and a 128-bit tag");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("secret"));

        assertArrayEquals(PRIVATE_JWK, key.open("kid-1", sealed));
        assertArrayEquals(PRIVATE_JWK, configured(kek).open("kid-1", sealed), "the same key from configuration again");
        assertThrows(GeneralSecurityException.class, () -> configured(TestServer.newKeyEncryptionKey()).open("kid-1", sealed),
                "another key encryption key");
        assertThrows(GeneralSecurityException.class, () -> key.open("kid-2", sealed),
                "the kid is associated data: a sealed key moved to another row does not open");
        byte[] flipped = sealed.ciphertext().clone();
        flipped[0] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> key.open("kid-1", new SealedKey(sealed.nonce(), flipped)));
    }

    @Test
    void everySealUsesAFreshNonce() {
        KeyEncryptionKey key = configured(TestServer.newKeyEncryptionKey());
        SealedKey a = key.seal("kid", PRIVATE_JWK);
        SealedKey b = key.seal("kid", PRIVATE_JWK);
        assertFalse(Arrays.equals(a.nonce(), b.nonce()));
        assertFalse(Arrays.equals(a.ciphertext(), b.ciphertext()));
    }

    @Test
    void withoutConfigurationAKeyIsGeneratedOnceIntoTheDataDirectoryOwnerOnly(@TempDir Path dataDir) throws Exception {
        Path file = dataDir.resolve("nested").resolve(KeyEncryptionKey.FILE);
        KeyEncryptionKey first = KeyEncryptionKey.resolve(Optional.empty(), dataDir.resolve("nested"), false);
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).trim()).length,
                "base64 as openssl rand -base64 32 prints it");
        assertEquals(file.toString(), first.source());
        assertFalse(first.toString().contains(Files.readString(file).trim()), "toString never shows the key");

        SealedKey sealed = first.seal("kid", PRIVATE_JWK);
        KeyEncryptionKey again = KeyEncryptionKey.resolve(Optional.empty(), dataDir.resolve("nested"), false);
        assertArrayEquals(PRIVATE_JWK, again.open("kid", sealed), "the file is read back, not replaced");
        assertArrayEquals(PRIVATE_JWK, configured(Files.readString(file).trim()).open("kid", sealed),
                "the file's content works as PORTAL_KEY_ENCRYPTION_KEY");
    }

    @Test
    void aConfiguredKeyWinsOverTheFile(@TempDir Path dataDir) {
        KeyEncryptionKey key = KeyEncryptionKey.resolve(Optional.of(Secret.ofBytes(java.util.Base64.getDecoder().decode(TestServer.newKeyEncryptionKey()))), dataDir, false);
        assertEquals("PORTAL_KEY_ENCRYPTION_KEY", key.source());
        assertFalse(Files.exists(dataDir.resolve(KeyEncryptionKey.FILE)), "nothing generated");
    }

    @Test
    void noKeyIsGeneratedWhenStoredKeysNeedTheOneThatIsMissing(@TempDir Path dataDir) {
        ConfigException e = assertThrows(ConfigException.class, () -> KeyEncryptionKey.resolve(Optional.empty(), dataDir, true));
        assertEquals("PORTAL_KEY_ENCRYPTION_KEY is not set and there is no " + dataDir.toAbsolutePath().resolve(KeyEncryptionKey.FILE)
                + ", but the database holds signing keys: set it to the key encryption key they were stored with",
                e.getMessage());
        assertFalse(Files.exists(dataDir.resolve(KeyEncryptionKey.FILE)));
    }

    @Test
    void aFileThatHoldsNoKeyIsAOneLineConfigError(@TempDir Path dataDir) throws Exception {
        Files.createFile(dataDir.resolve(KeyEncryptionKey.FILE), OWNER_ONLY);
        Files.writeString(dataDir.resolve(KeyEncryptionKey.FILE), "not a key\n");
        ConfigException e = assertThrows(ConfigException.class, () -> KeyEncryptionKey.resolve(Optional.empty(), dataDir, true));
        assertEquals(dataDir.resolve(KeyEncryptionKey.FILE).toAbsolutePath()
                + ": not a base64-encoded 256-bit key encryption key", e.getMessage());
        Files.writeString(dataDir.resolve(KeyEncryptionKey.FILE), Base64.getEncoder().encodeToString(new byte[16]));
        assertThrows(ConfigException.class, () -> KeyEncryptionKey.resolve(Optional.empty(), dataDir, true), "128 bits");
    }

    @Test
    void anUnwritableDataDirectoryIsAOneLineConfigError(@TempDir Path dataDir) throws Exception {
        Path blocker = dataDir.resolve("file");
        Files.writeString(blocker, "x");
        ConfigException e = assertThrows(ConfigException.class, () -> KeyEncryptionKey.resolve(Optional.empty(), blocker, false));
        assertTrue(e.getMessage().startsWith("cannot read or create the key encryption key"), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf(blocker.toString()));
    }

    @Test
    void firstStartsRacingOnOneDataDirectoryAllEndWithTheKeyInTheFile(@TempDir Path root) throws Exception {
        int starts = 4;
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        try {
            for (int round = 0; round < 150; round++) {
                Path dataDir = root.resolve("round-" + round);
                CyclicBarrier together = new CyclicBarrier(starts);
                List<Future<KeyEncryptionKey>> resolved = new ArrayList<>();
                for (int i = 0; i < starts; i++) {
                    resolved.add(pool.submit(() -> {
                        together.await();
                        return KeyEncryptionKey.resolve(Optional.empty(), dataDir, false);
                    }));
                }
                for (Future<KeyEncryptionKey> start : resolved) {
                    start.get();
                }
                SealedKey sealedWithTheFile = configured(Files.readString(dataDir.resolve(KeyEncryptionKey.FILE)).trim())
                        .seal("kid", PRIVATE_JWK);
                for (Future<KeyEncryptionKey> start : resolved) {
                    KeyEncryptionKey key = start.get();
                    int shown = round;
                    assertDoesNotThrow(() -> key.open("kid", sealedWithTheFile),
                            () -> "round " + shown + ": a start went on with a key that is not the one in the file");
                }
                try (java.util.stream.Stream<Path> left = Files.list(dataDir)) {
                    assertEquals(List.of(KeyEncryptionKey.FILE), left.map(p -> p.getFileName().toString()).toList(),
                            "no temporary file is left behind");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyFileOthersCanAccessRefusesToStartNamingTheFileAndTheFix(@TempDir Path dataDir) throws Exception {
        KeyEncryptionKey.resolve(Optional.empty(), dataDir, false);
        Path file = dataDir.toAbsolutePath().resolve(KeyEncryptionKey.FILE);
        for (String shared : List.of("rw-r-----", "rw----r--", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(shared));
            ConfigException e = assertThrows(ConfigException.class,
                    () -> KeyEncryptionKey.resolve(Optional.empty(), dataDir, true));
            assertEquals(file + " is accessible to other users (" + shared + "); it holds a secret: run 'chmod 600 "
                    + file + "'", e.getMessage());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertEquals(file.toString(), KeyEncryptionKey.resolve(Optional.empty(), dataDir, true).source(),
                "owner-only (even read-only) is accepted");
    }
}
