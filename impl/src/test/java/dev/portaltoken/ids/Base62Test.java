package dev.portaltoken.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Base62Test {

    @Test
    void upstreamApiKeyIdVector() {
        UUID id = UUID.fromString("018cb5a1-2ca6-7d0a-9090-319762bf129b");
        assertEquals("2vIOgNg2ElyLMxWAPn6Xz", Base62.encode(id));
        assertEquals(Optional.of(id), Base62.decode("2vIOgNg2ElyLMxWAPn6Xz", 0));
    }

    @Test
    void extremes() {
        assertEquals("0", Base62.encode(new UUID(0, 0)));
        assertEquals("7n42DGM5Tflk9n8mt7Fhc7", Base62.encode(new UUID(-1, -1)));
        assertEquals(Optional.of(new UUID(-1, -1)), Base62.decode("7n42DGM5Tflk9n8mt7Fhc7", 0));
    }

    @Test
    void agreesWithBigIntegerArithmeticOnRandomValues() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            UUID value = new UUID(random.nextLong(), random.nextLong());
            String encoded = Base62.encode(value);
            assertEquals(reference(value), encoded);
            assertEquals(Optional.of(value), Base62.decode(encoded, 0));
        }
    }

    @Test
    void rejectsWhatIsNotA128BitBase62Number() {
        assertEquals(Optional.empty(), Base62.decode("", 0));
        assertEquals(Optional.empty(), Base62.decode("abc-def", 0));
        assertEquals(Optional.empty(), Base62.decode("é", 0));
        assertEquals(Optional.empty(), Base62.decode("7n42DGM5Tflk9n8mt7Fhc8", 0), "2^128 overflows");
        assertEquals(Optional.empty(), Base62.decode("10000000000000000000000", 0), "23 digits");
        assertTrue(Base62.isBase62("azAZ09"));
        assertFalse(Base62.isBase62("a_b"));
    }

    private static String reference(UUID value) {
        BigInteger n = new BigInteger(1, toBytes(value));
        StringBuilder out = new StringBuilder();
        BigInteger base = BigInteger.valueOf(62);
        do {
            BigInteger[] qr = n.divideAndRemainder(base);
            out.append(Base62.ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        } while (n.signum() > 0);
        return out.reverse().toString();
    }

    private static byte[] toBytes(UUID value) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value.getMostSignificantBits() >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (value.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return bytes;
    }
}
