package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.ids.Uuids;
import java.util.HashSet;
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
    }

    @Test
    void secretsCarryAtLeast128BitsAndDoNotRepeat() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String key = ApiKeyFormat.generate(Uuids.v7()).key();
            secrets.add(ApiKeyFormat.parse(key).orElseThrow().secret());
        }
        assertEquals(1_000, secrets.size());
        // 43 characters over a 62-symbol alphabet: 43 * log2(62) = 256 bits
        assertTrue(ApiKeyFormat.SECRET_LENGTH * Math.log(62) / Math.log(2) >= 128);
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
        assertNotEquals(ApiKeyFormat.sha256("a").length, 0);
    }
}
