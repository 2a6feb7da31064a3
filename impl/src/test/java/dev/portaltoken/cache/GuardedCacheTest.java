package dev.portaltoken.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cache's rules one step at a time, on the calling thread (InvalidationRaceTest plays the same
 * races through a running server): what is cached, what an invalidation during a load leaves, what
 * an untrusted entry costs, and the background re-read.
 */
class GuardedCacheTest {
    private static final Duration LONG = Duration.ofMinutes(10);

    /** A loader answering {@code key + ":" + n} for its n-th load, counting them. */
    private static final class CountingLoader implements GuardedCache.Loader<String, String> {
        final AtomicInteger loads = new AtomicInteger();
        Runnable during = () -> { };

        @Override
        public String load(String key) {
            int n = loads.incrementAndGet();
            during.run();
            return key.startsWith("missing") ? null : key + ":" + n;
        }
    }

    private static GuardedCache<String, String> cache(Freshness freshness, Duration refreshAfter, List<Runnable> queued) {
        return new GuardedCache<>(LONG, refreshAfter, 100, freshness, queued::add);
    }

    @Test
    void aLoadedValueIsServedFromTheCacheAfterwards() {
        List<Runnable> queued = new ArrayList<>();
        GuardedCache<String, String> cache = cache(Freshness.UNTIL_EXPIRY, Duration.ZERO, queued);
        CountingLoader loader = new CountingLoader();
        assertEquals(Optional.empty(), cache.getIfPresent("a"));
        assertEquals(Optional.of("a:1"), cache.get("a", loader));
        assertEquals(Optional.of("a:1"), cache.get("a", loader));
        assertEquals(Optional.of("a:1"), cache.getIfPresent("a"));
        assertEquals(1, loader.loads.get());
        assertEquals(Optional.empty(), cache.get("missing", loader));
        assertEquals(Optional.empty(), cache.get("missing", loader));
        assertEquals(3, loader.loads.get(), "an absent value is never cached");
        assertEquals(0, queued.size(), "no background re-read without refreshAfter");
    }

    @Test
    void anEntryYoungerThanRefreshAfterIsNotReadAgain() {
        List<Runnable> queued = new ArrayList<>();
        GuardedCache<String, String> cache = cache(Freshness.UNTIL_EXPIRY, LONG, queued);
        CountingLoader loader = new CountingLoader();
        cache.get("a", loader);
        assertEquals(Optional.of("a:1"), cache.get("a", loader));
        assertEquals(0, queued.size());
    }

    @Test
    void anInvalidationDuringALoadKeepsThatLoadsValueOutOfTheCache() {
        GuardedCache<String, String> cache = cache(Freshness.UNTIL_EXPIRY, Duration.ZERO, new ArrayList<>());
        CountingLoader loader = new CountingLoader();
        loader.during = cache::invalidateAll;
        assertEquals(Optional.of("a:1"), cache.get("a", loader), "the caller still gets what it read");
        assertEquals(Optional.empty(), cache.getIfPresent("a"), "but it was not cached");
        loader.during = () -> cache.invalidateIf((k, v) -> false);
        assertEquals(Optional.of("a:2"), cache.get("a", loader));
        assertEquals(Optional.empty(), cache.getIfPresent("a"), "any invalidation counts, even one matching nothing");
        loader.during = () -> { };
        assertEquals(Optional.of("a:3"), cache.get("a", loader));
        assertEquals(Optional.of("a:3"), cache.getIfPresent("a"));
    }

    @Test
    void invalidationsDropWhatTheySelect() {
        GuardedCache<String, String> cache = cache(Freshness.UNTIL_EXPIRY, Duration.ZERO, new ArrayList<>());
        CountingLoader loader = new CountingLoader();
        cache.get("a", loader);
        cache.get("b", loader);
        cache.invalidateIf((k, v) -> k.equals("a"));
        assertEquals(Optional.empty(), cache.getIfPresent("a"));
        assertEquals(Optional.of("b:2"), cache.getIfPresent("b"));
        cache.invalidateAll();
        assertEquals(Optional.empty(), cache.getIfPresent("b"));
    }

    @Test
    void anEntryTheFreshnessRuleNoLongerTrustsIsReadAgain() {
        AtomicBoolean trusted = new AtomicBoolean(true);
        GuardedCache<String, String> cache = cache(loadedAt -> trusted.get(), Duration.ZERO, new ArrayList<>());
        CountingLoader loader = new CountingLoader();
        cache.get("a", loader);
        trusted.set(false);
        assertEquals(Optional.empty(), cache.getIfPresent("a"), "never served once untrusted");
        assertEquals(Optional.of("a:2"), cache.get("a", loader));
        trusted.set(true);
        assertEquals(Optional.of("a:2"), cache.getIfPresent("a"), "the new read was cached");
    }

    @Test
    void anOldEntryInUseIsReadAgainInTheBackgroundOnceAtATime() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        GuardedCache<String, String> cache = cache(Freshness.UNTIL_EXPIRY, Duration.ofNanos(1), queued);
        CountingLoader loader = new CountingLoader();
        cache.get("a", loader);
        Thread.sleep(1);
        assertEquals(Optional.of("a:1"), cache.get("a", loader), "served at once, the old value");
        assertEquals(Optional.of("a:1"), cache.get("a", loader));
        assertEquals(1, queued.size(), "one re-read queued, however often the key is asked for");
        queued.remove(0).run();
        assertEquals(Optional.of("a:2"), cache.getIfPresent("a"));
        Thread.sleep(1);
        cache.get("a", loader);
        loader.during = cache::invalidateAll;
        queued.remove(0).run();
        assertEquals(Optional.empty(), cache.getIfPresent("a"), "a re-read an invalidation overtook stores nothing");
    }

    @Test
    void aZeroLifetimeCachesNothing() {
        GuardedCache<String, String> cache = new GuardedCache<>(Duration.ZERO, Duration.ZERO, 100,
                Freshness.UNTIL_EXPIRY, Runnable::run);
        CountingLoader loader = new CountingLoader();
        cache.get("a", loader);
        assertEquals(Optional.of("a:2"), cache.get("a", loader));
        assertEquals(Optional.empty(), cache.getIfPresent("a"));
    }
}
