package dev.portaltoken.ids;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Time-ordered UUIDv7 ids (RFC 9562), as upstream uses for new rows. Thread-safe. */
public final class Uuids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Uuids() {
    }

    /**
     * A random (version 4) UUID for ids that must be unique but need not be unguessable (token and
     * request ids): from the thread-local generator, not the JDK's shared SecureRandom, whose one
     * lock every request would otherwise queue on.
     */
    public static UUID unique() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo);
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
