package dev.portaltoken.ids;

import java.security.SecureRandom;
import java.util.UUID;

/** Time-ordered UUIDv7 ids (RFC 9562), as upstream uses for new rows. Thread-safe. */
public final class Uuids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Uuids() {
    }

    public static UUID v7() {
        return v7(System.currentTimeMillis());
    }

    static UUID v7(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L
                | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long lo = 0x8000_0000_0000_0000L | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            lo |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(hi, lo);
    }
}
