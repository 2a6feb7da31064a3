package dev.portaltoken.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenIdsTest {

    @Test
    void anIdCarriesItsIssueTimeToA4096thOfAMillisecond() {
        Instant at = Instant.parse("2026-12-01T10:15:30.123456789Z");
        UUID id = new TokenIds(Clock.fixed(at, ZoneOffset.UTC)).next();
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        long ticks = TokenIds.ticksOf(id).orElseThrow();
        assertEquals(TokenIds.ticks(at), ticks);
        Instant back = TokenIds.instant(ticks);
        assertTrue(!back.isAfter(at) && back.isAfter(at.minusNanos(245)), back + " within one tick below " + at);
        assertEquals(at.toEpochMilli(), id.getMostSignificantBits() >>> 16, "the first 48 bits are the Unix millis");
    }

    @Test
    void idsStrictlyIncreaseWhenTheClockStandsStillOrStepsBack() {
        Instant at = Instant.parse("2026-12-01T10:15:30Z");
        MutableClock clock = new MutableClock(at);
        TokenIds ids = new TokenIds(clock);
        long previous = TokenIds.ticksOf(ids.next()).orElseThrow();
        for (int i = 0; i < 10_000; i++) {
            if (i == 5_000) {
                clock.now = at.minusSeconds(2); // a step back (NTP) must not reorder
            }
            long ticks = TokenIds.ticksOf(ids.next()).orElseThrow();
            assertTrue(ticks > previous, "tick " + ticks + " after " + previous);
            previous = ticks;
        }
    }

    @Test
    void afterAStepForwardAndItsCorrectionIdsFollowTheClockBack() {
        Instant at = Instant.parse("2026-12-01T10:15:30Z");
        MutableClock clock = new MutableClock(at.plus(java.time.Duration.ofDays(7))); // a week ahead, by mistake
        TokenIds ids = new TokenIds(clock);
        UUID ahead = ids.next();
        clock.now = at; // corrected
        UUID corrected = ids.next();
        assertEquals(TokenIds.ticks(at), TokenIds.ticksOf(corrected).orElseThrow(),
                "the id carries the clock's time again, not a week ahead");
        assertTrue(!corrected.equals(ahead));
        long previous = TokenIds.ticksOf(corrected).orElseThrow();
        for (int i = 0; i < 1_000; i++) {
            long ticks = TokenIds.ticksOf(ids.next()).orElseThrow();
            assertTrue(ticks > previous, "increasing again from the corrected time");
            previous = ticks;
        }
        assertEquals(previous, ids.lastTicks());
    }

    @Test
    void anIdIsNeverBeforeTheFloorItIsGiven() {
        Instant at = Instant.parse("2026-12-01T10:15:30Z");
        TokenIds ids = new TokenIds(Clock.fixed(at, ZoneOffset.UTC));
        long floor = TokenIds.ticks(at.plusMillis(300)); // a cut-off the database's clock, ahead of ours, set
        assertEquals(floor, TokenIds.ticksOf(ids.nextAtLeast(floor)).orElseThrow());
        assertTrue(TokenIds.ticksOf(ids.next()).orElseThrow() > floor, "later ids stay after it");
        assertTrue(TokenIds.ticksOf(ids.nextAtLeast(TokenIds.ticks(at))).orElseThrow() > floor, "a lower floor changes nothing");
    }

    @Test
    void concurrentIdsAreDistinctInTime() {
        TokenIds ids = new TokenIds(Clock.fixed(Instant.parse("2026-12-01T10:15:30Z"), ZoneOffset.UTC));
        Set<Long> ticks = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 20_000).parallel().forEach(i -> ticks.add(TokenIds.ticksOf(ids.next()).orElseThrow()));
        assertEquals(20_000, ticks.size(), "no two ids share a tick");
    }

    @Test
    void otherUuidsHaveNoIssueTime() {
        assertEquals(OptionalLong.empty(), TokenIds.ticksOf(UUID.randomUUID()));
        assertEquals(OptionalLong.empty(), TokenIds.ticksOf(new UUID(0, 0)));
        Set<UUID> distinct = new HashSet<>();
        TokenIds ids = new TokenIds(Clock.systemUTC());
        for (int i = 0; i < 1000; i++) {
            distinct.add(ids.next());
        }
        assertEquals(1000, distinct.size());
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
