package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.ids.TokenIds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdTableTest {
    private static final TokenIds IDS = new TokenIds(Clock.systemUTC());
    private static final long NOW = 1_800_000_000L;

    @Test
    void holdsExactlyTheIdsAdded() {
        IdTable table = new IdTable(false);
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            UUID id = IDS.next();
            assertTrue(table.add(id, NOW));
            added.add(id);
        }
        assertFalse(table.add(added.get(17), NOW), "an id already there");
        assertEquals(5_000, table.size());
        for (UUID id : added) {
            assertTrue(table.contains(id));
        }
        for (int i = 0; i < 50_000; i++) {
            assertFalse(table.contains(IDS.next()), "never an id that was not added");
        }
        UUID sameTime = new UUID(added.get(3).getMostSignificantBits(), added.get(3).getLeastSignificantBits() ^ 1);
        assertFalse(table.contains(sameTime), "both halves count");
    }

    @Test
    void keepsTheLargestValueAndTheLatestExpiryPerId() {
        IdTable table = new IdTable(true);
        Map<UUID, Long> expected = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            UUID id = IDS.next();
            table.put(id, NOW, i);
            expected.put(id, (long) i);
        }
        UUID first = expected.keySet().iterator().next();
        assertFalse(table.put(first, NOW - 100, -5), "already there");
        assertEquals(expected.get(first), table.value(first, Long.MIN_VALUE), "a smaller value changes nothing");
        table.put(first, NOW + 100, 1_000_000);
        expected.put(first, 1_000_000L);
        for (Map.Entry<UUID, Long> e : expected.entrySet()) {
            assertEquals(e.getValue(), table.value(e.getKey(), Long.MIN_VALUE));
        }
        assertEquals(Long.MIN_VALUE, table.value(IDS.next(), Long.MIN_VALUE));
        assertEquals(2_999, table.removeExpired(NOW), "all but the one whose expiry moved on");
        assertEquals(1_000_000L, table.value(first, Long.MIN_VALUE));
        assertEquals(1, table.size());
    }

    @Test
    void removingTheExpiredKeepsEveryOtherIdFindable() {
        IdTable table = new IdTable(false);
        Map<UUID, Long> expiries = new HashMap<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 200_000; i++) {
            UUID id = IDS.next();
            long expiry = NOW + random.nextInt(-1_000, 1_000);
            table.add(id, expiry);
            expiries.put(id, expiry);
        }
        for (long now = NOW - 1_000; now <= NOW + 1_000; now += 250) {
            long at = now;
            int before = table.size();
            int removed = table.removeExpired(at);
            long stillThere = expiries.values().stream().filter(e -> e > at).count();
            assertEquals(stillThere, table.size(), "after removing up to " + at);
            assertEquals(before - table.size(), removed);
            expiries.forEach((id, expiry) -> assertEquals(expiry > at, table.contains(id)));
            if (table.size() >= 1_000) {
                double perId = (double) table.bytes() / table.size();
                assertTrue(perId <= 32, "it shrinks as ids go: " + perId + " bytes each at " + table.size());
            }
        }
    }

    @Test
    void takesAtMostThirtyTwoBytesPerRevokedTokenId() {
        IdTable table = new IdTable(false);
        for (int n = 1; n <= 1_000_000; n++) {
            table.add(IDS.next(), NOW);
            if (n >= 1_000 && (n % 997 == 0 || n == 1_000_000)) {
                double perId = (double) table.bytes() / n;
                assertTrue(perId >= 20 && perId <= 32, n + " ids: " + perId + " bytes each");
            }
        }
    }

    @Test
    void readersNeverSeeAnIdThatWasNotAddedNorMissOneThatStaysWhileTheTableChanges() throws Exception {
        IdTable table = new IdTable(false);
        List<UUID> stays = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            UUID id = IDS.next();
            stays.add(id);
            table.add(id, NOW + 10);
        }
        List<UUID> never = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            never.add(IDS.next());
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread reader = new Thread(() -> {
                started.countDown();
                int i = 0;
                try {
                    while (!done.get()) {
                        if (table.contains(never.get(i % never.size()))) {
                            wrong.set("found an id never added");
                        }
                        if (!table.contains(stays.get(i % stays.size()))) {
                            wrong.set("missed an id that was never removed");
                        }
                        i++;
                    }
                } catch (RuntimeException e) {
                    wrong.set("a read failed: " + e); // a dead reader would otherwise pass
                }
            });
            reader.start();
            readers.add(reader);
        }
        started.await();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 20_000; i++) {
                table.add(IDS.next(), NOW); // these expire: the table grows, then shrinks back
            }
            table.removeExpired(NOW);
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertEquals(null, wrong.get());
        assertEquals(stays.size(), table.size());
    }

    /**
     * At its smallest size (16 slots, never shrunk) a table of 12 ids has runs that wrap past the last
     * slot; deleting inside them must move each later id of the run back so its lookup still finds it,
     * with its value and expiry.
     */
    @Test
    void deletingInsideARunThatWrapsKeepsTheRestOfTheRunFindable() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int trial = 0; trial < 20_000; trial++) {
            IdTable table = new IdTable(true);
            Map<UUID, Long> expiries = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                UUID id = new UUID(random.nextLong() | 1, random.nextLong());
                long expiry = NOW + random.nextInt(-3, 3);
                table.put(id, expiry, i + 1);
                expiries.put(id, expiry);
            }
            assertEquals(16 * 28, table.bytes(), "16 slots of 28 bytes: the table was never rebuilt");
            Map<UUID, Long> values = new HashMap<>();
            expiries.keySet().forEach(id -> values.put(id, table.value(id, -1)));
            for (long cutOff = NOW - 3; cutOff <= NOW + 2; cutOff++) {
                long at = cutOff;
                int before = table.size();
                int removed = table.removeExpired(at);
                assertEquals(expiries.values().stream().filter(e -> e == at).count(), removed);
                assertEquals(before - removed, table.size());
                for (Map.Entry<UUID, Long> e : expiries.entrySet()) {
                    long expected = e.getValue() > at ? values.get(e.getKey()) : -1;
                    assertEquals(expected, table.value(e.getKey(), -1), "trial " + trial + ": after removing up to " + at);
                }
            }
            assertEquals(0, table.size());
        }
    }

    @Test
    void valueReadersSeeEachIdsOwnValueWhileTheTableGrowsAndShrinks() throws Exception {
        IdTable table = new IdTable(true);
        Map<UUID, Long> stays = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            UUID id = IDS.next();
            stays.put(id, 1_000L + i);
            table.put(id, NOW + 10, 1_000L + i);
        }
        List<Map.Entry<UUID, Long>> entries = new ArrayList<>(stays.entrySet());
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            int i = 0;
            try {
                while (!done.get()) {
                    Map.Entry<UUID, Long> e = entries.get(i++ % entries.size());
                    long value = table.value(e.getKey(), -1);
                    if (value != e.getValue()) {
                        wrong.set("read " + value + " for an id holding " + e.getValue());
                    }
                    if (!table.contains(e.getKey())) {
                        wrong.set("missed an id that was never removed");
                    }
                }
            } catch (RuntimeException e) {
                wrong.set("a read failed: " + e);
            }
        });
        reader.start();
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 10_000; i++) {
                table.put(IDS.next(), NOW, 7);
            }
            table.removeExpired(NOW);
        }
        done.set(true);
        reader.join();
        assertEquals(null, wrong.get());
        assertEquals(stays.size(), table.size());
    }

    @Test
    void refusesTheAllZeroIdAndValuesItDoesNotHold() {
        assertThrows(IllegalArgumentException.class, () -> new IdTable(false).add(new UUID(0, 0), NOW));
        assertThrows(IllegalArgumentException.class, () -> new IdTable(false).add(IDS.next(), -1));
        assertThrows(IllegalStateException.class, () -> new IdTable(false).value(IDS.next(), 0));
    }
}
