package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.ids.Uuids;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyFormatTest {

    @Test
    void aGeneratedKeyParsesBackToItsIdAndSecret() {
        UUID id = Uuids.v7();
        ApiKeyFormat.Generated generated = ApiKeyFormat.generate(id);
        ApiKeyFormat.Presented presented = ApiKeyFormat.parse(generated.key()).orElseThrow();
        assertEquals(id, presented.id());
        assertArrayEquals(generated.secretHash(), ApiKeyFormat.sha256(presented.secret()));
        assertTrue(generated.key().startsWith("pt_live_"));
        assertEquals(Caller.Kind.TENANT, presented.kind());
    }

    /** Each kind of key says its kind by its prefix, and parses back as that kind only. */
    @Test
    void portalAndAdminKeysParseAsTheirKind() {
        UUID id = Uuids.v7();
        ApiKeyFormat.Presented portal = ApiKeyFormat.parse(ApiKeyFormat.generatePortal(id).key()).orElseThrow();
        ApiKeyFormat.Generated admin = ApiKeyFormat.generateAdmin(id);
        ApiKeyFormat.Presented presentedAdmin = ApiKeyFormat.parse(admin.key()).orElseThrow();
        assertEquals(Caller.Kind.PORTAL, portal.kind());
        assertEquals(Caller.Kind.ADMIN, presentedAdmin.kind());
        assertTrue(admin.key().startsWith("pt_admin_"), "admin keys are told apart at a glance");
        assertTrue(admin.hint().startsWith("pt_admin_"));
        assertEquals(id, presentedAdmin.id());
        assertEquals(Optional.empty(), ApiKeyFormat.parse("pt_adminx" + admin.key().substring(9)));
    }

    /**
     * 10,000 generated secrets: none repeats, each is 43 base62 characters, and the characters are
     * uniform over all 62 symbols (a chi-square test whose bound a fair generator exceeds with a
     * probability below 1e-12), so a secret carries 43 x log2(62) = 256 bits. A shorter secret, a
     * smaller alphabet or a biased draw (such as {@code nextInt(256) % 62}) fails.
     */
    @Test
    void secretsAre43UniformBase62CharactersThatDoNotRepeat() {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Set<String> secrets = new HashSet<>();
        long[] counts = new long[62];
        int keys = 10_000;
        for (int i = 0; i < keys; i++) {
            String secret = ApiKeyFormat.parse(ApiKeyFormat.generate(Uuids.v7()).key()).orElseThrow().secret();
            assertEquals(43, secret.length(), secret.length() + " characters");
            secrets.add(secret);
            for (char c : secret.toCharArray()) {
                int symbol = alphabet.indexOf(c);
                assertTrue(symbol >= 0, "not base62: " + (int) c);
                counts[symbol]++;
            }
        }
        assertEquals(keys, secrets.size());
        double expected = keys * 43 / 62.0;
        double chiSquare = 0;
        for (long count : counts) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        // 61 degrees of freedom: mean 61, standard deviation 11; 170 is about 10 deviations out.
        assertTrue(chiSquare < 170, "the symbols are not uniform: chi-square " + chiSquare + " over 61 degrees of freedom");
    }

    @Test
    void theHintAndToStringNeverContainTheSecret() {
        ApiKeyFormat.Generated generated = ApiKeyFormat.generate(Uuids.v7());
        String secret = ApiKeyFormat.parse(generated.key()).orElseThrow().secret();
        assertFalse(generated.hint().contains(secret.substring(4, 39)));
        assertEquals(4 + 3 + 4 + "pt_live_".length(), generated.hint().length());
        assertFalse(generated.toString().contains(secret));
        assertFalse(ApiKeyFormat.parse(generated.key()).orElseThrow().toString().contains(secret));
    }

    @ParameterizedTest(name = "[{0}] is not a key")
    @ValueSource(strings = {"", "pt_live_", "pv_sand_5ldOh21Ipns1OpHzYbeAjvA87x3v/2vIOgNg2ElyLMxWAPn6Xz",
            "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
            "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/2vIOgNg2ElyLMxWAPn6Xz",
            "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_/2vIOgNg2ElyLMxWAPn6Xz",
            "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/2vIOgNg2ElyLMxWAPn6X!",
            "pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/7n42DGM5Tflk9n8mt7Fhc8"})
    void malformedKeysDoNotParse(String key) {
        assertEquals(Optional.empty(), ApiKeyFormat.parse(key));
    }

    @Test
    void theIdPartIsTheBase62OfTheRowUuid() {
        String key = "pt_live_" + "A".repeat(43) + "/2vIOgNg2ElyLMxWAPn6Xz";
        assertEquals(UUID.fromString("018cb5a1-2ca6-7d0a-9090-319762bf129b"), ApiKeyFormat.parse(key).orElseThrow().id());
    }

    /** FIPS 180-2's SHA-256 test vectors, and the stored hash is of the secret part alone. */
    @Test
    void theStoredHashIsTheSha256OfTheSecretPart() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(ApiKeyFormat.sha256("abc")));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(ApiKeyFormat.sha256("")));
        ApiKeyFormat.Generated generated = ApiKeyFormat.generate(Uuids.v7());
        String secret = generated.key().substring("pt_live_".length(), generated.key().indexOf('/'));
        assertArrayEquals(ApiKeyFormat.sha256(secret), generated.secretHash());
        assertFalse(Arrays.equals(ApiKeyFormat.sha256(generated.key()), generated.secretHash()), "not of the whole key");
    }
}
