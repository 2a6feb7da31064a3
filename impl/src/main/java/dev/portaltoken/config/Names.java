package dev.portaltoken.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The one "did you mean" rule of the configuration, for unknown file keys and unknown environment
 * variables alike: the closest known name, when it is at most {@value #MAX_DISTANCE} edits away.
 */
public final class Names {
    private static final int MAX_DISTANCE = 3;

    private Names() {
    }

    /** {@code " (did you mean 'NAME'?)"} for the closest of {@code known} to {@code given}, or "" when none is close. */
    static String didYouMean(String given, Collection<String> known) {
        return closest(given, known).map(closest -> " (did you mean '" + closest + "'?)").orElse("");
    }

    /** The closest of {@code known} to {@code given}, when one is close enough to be what was meant. */
    public static Optional<String> closest(String given, Collection<String> known) {
        return known.stream().min(Comparator.comparingInt(name -> distance(name, given)))
                .filter(closest -> distance(closest, given) <= MAX_DISTANCE);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
