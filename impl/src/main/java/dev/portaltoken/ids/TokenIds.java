package dev.portaltoken.ids;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token ids ({@code jti}) that tell when their token was issued, finely enough to order tokens
 * minted within the same second or millisecond: UUIDv7 (RFC 9562) whose 12 {@code rand_a} bits hold
 * the fraction of the millisecond (its "method 3"), so an id carries its issue time in ticks of
 * 1/4096 ms.
 *
 * <p>Ids from one generator strictly increase in that time while the clock stands still or steps
 * back by up to {@link #BACKWARD_TOLERANCE} (an NTP correction), so that a token minted after
 * another always carries a later time. A larger step back is followed: ids then carry the clock's
 * time again rather than staying pinned to a time ahead of it (after a step forward and its
 * correction, tokens would otherwise carry an {@code iat} and {@code exp} that far in the future).
 * Ids stay unique either way: 62 of their bits are random. Thread-safe and lock-free.
 */
public final class TokenIds {
    /** Ticks per millisecond: the 12 bits of {@code rand_a}. */
    public static final long TICKS_PER_MILLI = 4096;
    /** How far back the clock may step while ids keep increasing; beyond it they follow the clock. */
    public static final Duration BACKWARD_TOLERANCE = Duration.ofSeconds(5);
    private static final long TOLERANCE_TICKS = BACKWARD_TOLERANCE.toMillis() * TICKS_PER_MILLI;
    private static final long NANOS_PER_MILLI = 1_000_000;

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    public TokenIds(Clock clock) {
        this.clock = clock;
    }

    /**
     * A new id whose time is now, or one tick after the previous id's when the clock has not moved
     * on (or stepped back by no more than {@link #BACKWARD_TOLERANCE}).
     */
    public UUID next() {
        return nextAtLeast(Long.MIN_VALUE);
    }

    /** As {@link #next()}, carrying a time of at least {@code floorTicks} (a cut-off it must not fall before). */
    public UUID nextAtLeast(long floorTicks) {
        long now = Math.max(ticks(clock.instant()), floorTicks);
        long ticks = last.accumulateAndGet(now, (previous, current) ->
                current > previous || previous - current > TOLERANCE_TICKS ? current : previous + 1);
        return id(ticks, ThreadLocalRandom.current().nextLong());
    }

    /** The time of the last id made here, in ticks (0 before the first). */
    public long lastTicks() {
        return last.get();
    }

    /** The issue time of an id made here, in ticks of 1/4096 ms since the epoch; empty for any other UUID. */
    public static OptionalLong ticksOf(UUID id) {
        if (id.version() != 7 || id.variant() != 2) {
            return OptionalLong.empty();
        }
        long hi = id.getMostSignificantBits();
        return OptionalLong.of((hi >>> 16) * TICKS_PER_MILLI + (hi & 0xFFFL));
    }

    /**
     * When a token was issued, in ticks: the time its id carries, or for an id that carries none (a
     * token minted before ids did) the start of its {@code iat} second.
     */
    public static long issuedTicks(UUID jti, long iatSeconds) {
        return ticksOf(jti).orElse(iatSeconds * 1000 * TICKS_PER_MILLI);
    }

    /** {@code instant} in ticks of 1/4096 ms since the epoch (rounded down). */
    public static long ticks(Instant instant) {
        return instant.toEpochMilli() * TICKS_PER_MILLI
                + (instant.getNano() % NANOS_PER_MILLI) * TICKS_PER_MILLI / NANOS_PER_MILLI;
    }

    /** The instant of {@code ticks} (rounded down to the nanosecond). */
    public static Instant instant(long ticks) {
        long millis = Math.floorDiv(ticks, TICKS_PER_MILLI);
        long fraction = Math.floorMod(ticks, TICKS_PER_MILLI);
        return Instant.ofEpochMilli(millis).plusNanos(fraction * NANOS_PER_MILLI / TICKS_PER_MILLI);
    }

    static UUID id(long ticks, long random) {
        long millis = ticks / TICKS_PER_MILLI;
        long fraction = ticks % TICKS_PER_MILLI;
        long hi = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | fraction;
        long lo = (random & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo);
    }
}
