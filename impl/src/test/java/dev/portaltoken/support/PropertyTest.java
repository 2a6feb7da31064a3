package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The property harness the fuzz tests rely on: it runs, reproduces, shrinks and reports. */
class PropertyTest {

    private record Number(int value) implements Property.Shrinkable<Number> {
        @Override
        public Stream<Number> shrink() {
            return value == 0 ? Stream.empty() : Stream.of(new Number(value / 2), new Number(value - 1));
        }
    }

    @Test
    void aPassingPropertyRunsEveryTry() {
        List<Integer> seen = new ArrayList<>();
        Property.forAll("counts", 37, r -> r.nextInt(), seen::add);
        assertEquals(37, seen.size());
    }

    @Test
    void theSameSeedGeneratesTheSameCases() {
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        Property.forAll("same", 20, r -> r.nextInt(), first::add);
        Property.forAll("same", 20, r -> r.nextInt(), second::add);
        assertEquals(first, second);
    }

    @Test
    void aFailingCaseIsShrunkAndReportedWithItsSeed() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("below 1000", 500,
                r -> new Number(r.nextInt(1_000_000)), n -> assertTrue(n.value() < 1000, "too big: " + n.value())));
        assertTrue(e.getMessage().contains("property 'below 1000' falsified"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dfuzz.seed=" + Property.seed()), e.getMessage());
        assertTrue(e.getMessage().contains("case:   Number[value=1"), e.getMessage());
        assertTrue(e.getMessage().contains("shrunk from"), e.getMessage());
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
        assertTrue(Property.shrinkString("abcd").allMatch(s -> s.length() < 4));
        assertTrue(Property.shrinkString("abcd").anyMatch(String::isEmpty));
        assertEquals(0, Property.shrinkString("").count());
    }
}
