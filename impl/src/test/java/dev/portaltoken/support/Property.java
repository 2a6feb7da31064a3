package dev.portaltoken.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A small property-based testing harness: a generator makes random cases from a seed, a check runs
 * each, and a failing case is shrunk (greedily, through the candidates the case offers) before it is
 * reported with the seed that reproduces the whole run.
 *
 * <p>{@code -Dfuzz.seed=N} replays a run; {@code -Dfuzz.tries=N} overrides every property's tries
 * (for a longer soak or a quicker run); {@code -Dfuzz.explore=true} does not stop at the first
 * failing case but runs every try and then fails listing each distinct failure once, with a count
 * and an example (to see every problem a property finds in one run). Cases print through their
 * {@code toString()}, which must never contain a secret.
 */
public final class Property {
    private static final int MAX_SHRINK_STEPS = 200;
    private static final long MAX_SHRINK_NANOS = 30_000_000_000L;

    private Property() {
    }

    /** Makes one case from a source of randomness. */
    @FunctionalInterface
    public interface Gen<T> {
        T next(Random random);
    }

    /** A case that knows simpler variants of itself, tried in order when it fails. */
    public interface Shrinkable<T> {
        Stream<T> shrink();
    }

    /** The seed of this run: {@code -Dfuzz.seed} or a fresh one. */
    public static long seed() {
        return Long.getLong("fuzz.seed", SEED);
    }

    private static final long SEED = new Random().nextLong();

    /**
     * How a run goes: its seed, the tries of every property when set ({@code -Dfuzz.tries}), and
     * whether it explores ({@code -Dfuzz.explore}: runs every try and lists each distinct failure).
     */
    record Settings(long seed, OptionalInt tries, boolean explore) {
        static Settings fromSystemProperties() {
            Integer tries = Integer.getInteger("fuzz.tries");
            return new Settings(Property.seed(), tries == null ? OptionalInt.empty() : OptionalInt.of(tries),
                    Boolean.getBoolean("fuzz.explore"));
        }
    }

    /**
     * Runs {@code check} on {@code tries} generated cases.
     *
     * @throws AssertionError naming the seed, the try, the original and the shrunk case
     */
    public static <T> void forAll(String name, int tries, Gen<T> gen, Consumer<T> check) {
        run(Settings.fromSystemProperties(), name, tries, gen, check);
    }

    /**
     * The cases a run with {@code seed} gives property {@code name}, in order: what {@link #forAll}
     * checks, so a replayed seed is the same run.
     */
    public static <T> List<T> cases(long seed, String name, int tries, Gen<T> gen) {
        Random master = new Random(seed ^ name.hashCode());
        List<T> cases = new ArrayList<>(tries);
        for (int i = 0; i < tries; i++) {
            cases.add(gen.next(new Random(master.nextLong())));
        }
        return cases;
    }

    static <T> void run(Settings settings, String name, int tries, Gen<T> gen, Consumer<T> check) {
        int n = settings.tries().orElse(tries);
        List<T> cases = cases(settings.seed(), name, n, gen);
        Map<String, List<String>> distinct = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            T candidate = cases.get(i);
            Throwable failure = run(check, candidate);
            if (failure != null) {
                if (!settings.explore()) {
                    throw report(settings.seed(), name, i, n, candidate, failure, check);
                }
                String message = Redact.mask(String.valueOf(failure.getMessage()));
                distinct.computeIfAbsent(signature(message), k -> new ArrayList<>())
                        .add(Redact.mask(String.valueOf(candidate)) + "\n      " + message.replace("\n", "\n      "));
            }
        }
        if (!distinct.isEmpty()) {
            StringBuilder all = new StringBuilder("property '" + name + "': " + distinct.size()
                    + " distinct failures in " + n + " tries (seed " + settings.seed() + ")");
            distinct.forEach((k, examples) -> all.append("\n  [").append(examples.size()).append("x] ")
                    .append(examples.get(0)));
            throw new AssertionError(all.toString());
        }
    }

    /** A failure message without the parts that vary between cases (ids, numbers, quoted values). */
    private static String signature(String message) {
        String firstLine = message.lines().findFirst().orElse("");
        return firstLine.replaceAll("cus_[A-Za-z0-9]+", "cus_*").replaceAll("/customers/[^ ]*/portal-token", "/customers/*/portal-token")
                .replaceAll("'[^']*'", "'*'").replaceAll("[0-9a-f-]{36}", "*").replaceAll("\\d+", "#");
    }

    @SuppressWarnings("unchecked")
    private static <T> AssertionError report(long seed, String name, int index, int tries, T original,
                                             Throwable failure, Consumer<T> check) {
        T smallest = original;
        Throwable smallestFailure = failure;
        int steps = 0;
        long deadline = System.nanoTime() + MAX_SHRINK_NANOS;
        boolean progress = true;
        while (progress && steps < MAX_SHRINK_STEPS && System.nanoTime() < deadline) {
            progress = false;
            if (!(smallest instanceof Shrinkable<?> shrinkable)) {
                break;
            }
            for (Object simpler : (Iterable<Object>) ((Stream<Object>) shrinkable.shrink())::iterator) {
                if (steps++ >= MAX_SHRINK_STEPS || System.nanoTime() > deadline) {
                    break;
                }
                Throwable again = run(check, (T) simpler);
                if (again != null) {
                    smallest = (T) simpler;
                    smallestFailure = again;
                    progress = true;
                    break;
                }
            }
        }
        AssertionError error = new AssertionError("property '" + name + "' falsified at try " + (index + 1) + " of "
                + tries + " (reproduce with -Dfuzz.seed=" + seed + ")\n  case:   " + Redact.mask(String.valueOf(smallest))
                + (smallest == original ? "" : "\n  (shrunk from " + Redact.mask(String.valueOf(original)) + ")")
                + "\n  failure: " + Redact.mask(String.valueOf(smallestFailure.getMessage())), smallestFailure);
        return error;
    }

    private static <T> Throwable run(Consumer<T> check, T candidate) {
        try {
            check.accept(candidate);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }

    /** Simpler strings than {@code s}: empty, halves, one character fewer (from the end first). */
    public static Stream<String> shrinkString(String s) {
        if (s.isEmpty()) {
            return Stream.empty();
        }
        Stream<String> halves = s.length() > 1 ? Stream.of(s.substring(0, s.length() / 2), s.substring(s.length() / 2))
                : Stream.empty();
        Stream<String> fewer = Stream.iterate(s.length() - 1, i -> i >= 0 && i >= s.length() - 32, i -> i - 1)
                .map(i -> s.substring(0, i) + s.substring(i + 1));
        return Stream.concat(Stream.of(""), Stream.concat(halves, fewer)).distinct();
    }

    /**
     * Simpler numbers than {@code value}, nearest zero first: 0, then halfway, three quarters, ...
     * of the way from 0, up to one step away; a greedy shrink through them finds the smallest
     * failing value of a property that fails from some threshold on in about log2 steps per bit.
     */
    public static LongStream shrinkTowardsZero(long value) {
        return LongStream.iterate(value, d -> d != 0, d -> d / 2).map(d -> value - d).distinct();
    }

    /** One of {@code choices}, uniformly. */
    @SafeVarargs
    public static <T> T oneOf(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
