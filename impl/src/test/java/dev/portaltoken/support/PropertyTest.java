package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The property harness the fuzz tests rely on: it runs, reproduces, shrinks, explores and reports. */
class PropertyTest {
    private static final Pattern REPLAY = Pattern.compile("-Dfuzz\\.seed=(-?\\d+)");
    private static final Pattern TRY = Pattern.compile("falsified at try (\\d+) of");

    private record Number(long value) implements Property.Shrinkable<Number> {
        @Override
        public Stream<Number> shrink() {
            return Property.shrinkTowardsZero(value).mapToObj(Number::new);
        }
    }

    private static Property.Settings seeded(long seed) {
        return new Property.Settings(seed, OptionalInt.empty(), false);
    }

    @Test
    void aPassingPropertyRunsEveryTry() {
        List<Integer> seen = new ArrayList<>();
        Property.forAll("counts", 37, r -> r.nextInt(), seen::add);
        assertEquals(37, seen.size());
    }

    @Test
    void equalSeedsGiveEqualCasesAndDifferentSeedsDifferentOnes() {
        List<Integer> first = new ArrayList<>();
        List<Integer> again = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        Property.run(seeded(42), "same", 20, r -> r.nextInt(), first::add);
        Property.run(seeded(42), "same", 20, r -> r.nextInt(), again::add);
        Property.run(seeded(43), "same", 20, r -> r.nextInt(), other::add);
        assertEquals(first, again);
        assertNotEquals(first, other);
        assertEquals(first, Property.cases(42, "same", 20, r -> r.nextInt()), "cases() is what a run checks");
        assertNotEquals(first, Property.cases(42, "another property", 20, r -> r.nextInt()),
                "each property has its own sequence");
    }

    @Test
    void theSeedOfTheRunIsTheOneGivenOrAFreshOne() {
        String given = System.getProperty("fuzz.seed");
        assertEquals(given == null ? Property.seed() : Long.parseLong(given), Property.Settings.fromSystemProperties().seed());
        assertEquals(Property.seed(), Property.seed(), "one seed for the whole run");
    }

    @Test
    void aFailingCaseIsShrunkToTheExactMinimumAndReportedWithItsSeed() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.run(seeded(7), "below 1000", 500,
                r -> new Number(r.nextInt(1_000_000)), n -> assertTrue(n.value() < 1000, "too big: " + n.value())));
        assertTrue(e.getMessage().contains("property 'below 1000' falsified"), e.getMessage());
        assertTrue(e.getMessage().contains("(reproduce with -Dfuzz.seed=7)"), e.getMessage());
        assertTrue(e.getMessage().contains("case:   Number[value=1000]\n"), e.getMessage());
        assertTrue(e.getMessage().contains("shrunk from Number[value="), e.getMessage());
        assertTrue(e.getMessage().contains("failure: too big: 1000"), e.getMessage());
    }

    @Test
    void numbersShrinkTowardsZeroNearestFirst() {
        assertEquals(List.of(0L, 50L, 75L, 88L, 94L, 97L, 99L), Property.shrinkTowardsZero(100).boxed().toList());
        assertEquals(List.of(0L, -50L, -75L, -88L, -94L, -97L, -99L), Property.shrinkTowardsZero(-100).boxed().toList());
        assertEquals(0, Property.shrinkTowardsZero(0).count());
    }

    @Test
    void aReplayedSeedReproducesTheFailingCase() {
        Property.Gen<Number> gen = r -> new Number(r.nextInt(100));
        AssertionError first = assertThrows(AssertionError.class, () -> Property.run(seeded(-123456789L), "not 42",
                200, gen, n -> assertNotEquals(42, n.value())));
        Matcher seed = REPLAY.matcher(first.getMessage());
        assertTrue(seed.find(), first.getMessage());
        List<Number> replayed = new ArrayList<>();
        AssertionError again = assertThrows(AssertionError.class, () -> Property.run(seeded(Long.parseLong(seed.group(1))),
                "not 42", 200, gen, n -> {
                    replayed.add(n);
                    assertNotEquals(42, n.value());
                }));
        assertEquals(first.getMessage(), again.getMessage(), "the same try fails the same way");
        Matcher at = TRY.matcher(again.getMessage());
        assertTrue(at.find());
        int failingTry = Integer.parseInt(at.group(1));
        assertEquals(Property.cases(-123456789L, "not 42", failingTry, gen), replayed.subList(0, failingTry),
                "the replay checked the same cases up to the failing one (then shrank it)");
    }

    @Test
    void exploreModeRunsEveryTryAndListsEachDistinctFailureOnce() {
        List<Long> checked = new ArrayList<>();
        AssertionError e = assertThrows(AssertionError.class, () -> Property.run(
                new Property.Settings(5, OptionalInt.of(60), true), "explored", 10, r -> new Number(r.nextInt(30)), n -> {
                    checked.add(n.value());
                    if (n.value() % 10 == 0) {
                        throw new IllegalStateException("a multiple of ten: " + n.value());
                    }
                    assertTrue(n.value() < 25, "too big: " + n.value());
                }));
        assertEquals(60, checked.size(), "the tries setting overrides the property's own, and every try runs");
        long tens = checked.stream().filter(v -> v % 10 == 0).count();
        long big = checked.stream().filter(v -> v % 10 != 0 && v >= 25).count();
        assertTrue(tens > 0 && big > 0, "both failures occur in this run: " + checked);
        assertTrue(e.getMessage().startsWith("property 'explored': 2 distinct failures in 60 tries (seed 5)"), e.getMessage());
        assertTrue(e.getMessage().contains("[" + tens + "x] Number[value="), e.getMessage());
        assertTrue(e.getMessage().contains("a multiple of ten: "), e.getMessage());
        assertTrue(e.getMessage().contains("[" + big + "x] Number[value="), e.getMessage());
        assertTrue(e.getMessage().contains("too big: "), e.getMessage());
        assertFalse(e.getMessage().contains("shrunk from"), "explore mode reports, it does not shrink");
    }

    @Test
    void exceptionsFailThePropertyToo() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("throws", 5, r -> 1, n -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }

    @Test
    void secretsInCasesAreMasked() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("masked", 1,
                r -> "Bearer pt_live_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ/xyz", s -> {
                    throw new AssertionError("failed for " + s);
                }));
        assertFalse(e.getMessage().contains("abcdefghijklmnop"), e.getMessage());
    }

    @Test
    void stringsShrinkTowardsShorterOnes() {
        assertEquals(List.of("", "ab", "cd", "abc", "abd", "acd", "bcd"), Property.shrinkString("abcd").toList());
        assertEquals(0, Property.shrinkString("").count());
    }
}
