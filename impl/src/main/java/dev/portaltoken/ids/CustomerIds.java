package dev.portaltoken.ids;

import java.util.Optional;
import java.util.UUID;

/**
 * The wire form of a customer id: {@code cus_} + base62 of the UUID rotated left by 67 bits,
 * compatible with the upstream service. Only the canonical form (what {@link #format} produces)
 * parses as an id; anything else is an alias.
 */
public final class CustomerIds {
    public static final String PREFIX = "cus_";

    private CustomerIds() {
    }

    public static String format(UUID id) {
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        // Rotating a 128-bit value left by 67 = swap the halves (64), then rotate left by 3.
        long rotatedHi = (lo << 3) | (hi >>> 61);
        long rotatedLo = (hi << 3) | (lo >>> 61);
        return PREFIX + Base62.encode(new UUID(rotatedHi, rotatedLo));
    }

    /** The UUID of a canonical {@code cus_} id, or empty when {@code wire} is not one. */
    public static Optional<UUID> parse(String wire) {
        if (wire == null || !wire.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<UUID> rotated = Base62.decode(wire, PREFIX.length());
        if (rotated.isEmpty()) {
            return Optional.empty();
        }
        long hi = rotated.get().getMostSignificantBits();
        long lo = rotated.get().getLeastSignificantBits();
        // Inverse: rotate left by 61.
        UUID id = new UUID((hi << 61) | (lo >>> 3), (lo << 61) | (hi >>> 3));
        return format(id).equals(wire) ? Optional.of(id) : Optional.empty();
    }
}
