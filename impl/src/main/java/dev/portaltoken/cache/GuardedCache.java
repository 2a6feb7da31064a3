package dev.portaltoken.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of values read from the database that change notifications keep honest.
 *
 * <ul>
 * <li>An invalidation ({@link #invalidateIf}, {@link #invalidateAll}) wins over every load in flight:
 * a load that started before it never leaves its value in the cache (a generation counter, read
 * before the load and checked again after storing, tells).</li>
 * <li>An entry is served only while {@link Freshness} trusts it; otherwise it is read again.</li>
 * <li>With {@code refreshAfter}, an entry in use is re-read in the background once it is that old,
 * so busy keys never wait for the database and entries do not all expire at once.</li>
 * </ul>
 *
 * Absent values (a loader's null) are never cached. A zero lifetime caches nothing. Thread-safe.
 *
 * @param <K> keys, with value semantics
 * @param <V> immutable values
 */
public final class GuardedCache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedCache.class);

    /** Reads a value; null when there is none. */
    @FunctionalInterface
    public interface Loader<K, V> {
        V load(K key);
    }

    private record Stamped<V>(V value, long loadedAtNanos) {
    }

    private final Cache<K, Stamped<V>> cache;
    private final Freshness freshness;
    private final long refreshAfterNanos;
    private final Executor refresher;
    private final AtomicLong generation = new AtomicLong();
    private final Set<K> refreshing = ConcurrentHashMap.newKeySet();

    /**
     * @param lifetime     how long an entry lives at most (zero: nothing is cached)
     * @param refreshAfter age at which an entry in use is re-read in the background; zero for never
     * @param refresher    runs background re-reads
     */
    public GuardedCache(Duration lifetime, Duration refreshAfter, long maximumSize, Freshness freshness,
                        Executor refresher) {
        this.cache = lifetime.isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(lifetime).maximumSize(maximumSize).build();
        this.freshness = freshness;
        this.refreshAfterNanos = refreshAfter.toNanos();
        this.refresher = refresher;
    }

    /** The cached value if there is one that may be served; never reads the database. */
    public Optional<V> getIfPresent(K key) {
        Stamped<V> stamped = trusted(key);
        return stamped == null ? Optional.empty() : Optional.of(stamped.value());
    }

    /** The cached value if it may be served, else {@code loader}'s (then cached). */
    public Optional<V> get(K key, Loader<K, V> loader) {
        Stamped<V> stamped = trusted(key);
        if (stamped != null) {
            refreshIfOld(key, stamped, loader);
            return Optional.of(stamped.value());
        }
        long before = generation.get();
        long started = System.nanoTime();
        V value = loader.load(key);
        if (value != null) {
            store(key, new Stamped<>(value, started), before);
        }
        return Optional.ofNullable(value);
    }

    /** Drops every entry {@code matching} selects (they changed), and whatever loads are in flight. */
    public void invalidateIf(BiPredicate<K, V> matching) {
        generation.incrementAndGet();
        if (cache != null) {
            cache.asMap().entrySet().removeIf(entry -> matching.test(entry.getKey(), entry.getValue().value()));
        }
    }

    /** Drops everything (changes may have been missed), and whatever loads are in flight. */
    public void invalidateAll() {
        generation.incrementAndGet();
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private Stamped<V> trusted(K key) {
        if (cache == null) {
            return null;
        }
        Stamped<V> stamped = cache.getIfPresent(key);
        if (stamped != null && !freshness.trusts(stamped.loadedAtNanos())) {
            cache.asMap().remove(key, stamped);
            return null;
        }
        return stamped;
    }

    /**
     * Caches {@code stamped} unless an invalidation ran since {@code generationBefore} was read. An
     * invalidation bumps the generation before removing entries, so one that runs while this stores
     * is seen by the second check or removes the entry itself.
     */
    private void store(K key, Stamped<V> stamped, long generationBefore) {
        if (cache == null || generation.get() != generationBefore) {
            return;
        }
        cache.put(key, stamped);
        if (generation.get() != generationBefore) {
            cache.asMap().remove(key, stamped);
        }
    }

    private void refreshIfOld(K key, Stamped<V> stamped, Loader<K, V> loader) {
        if (refreshAfterNanos <= 0 || System.nanoTime() - stamped.loadedAtNanos() < refreshAfterNanos
                || !refreshing.add(key)) {
            return;
        }
        long before = generation.get();
        long started = System.nanoTime();
        try {
            refresher.execute(() -> {
                try {
                    V value = loader.load(key);
                    if (value == null) {
                        cache.asMap().remove(key, stamped);
                    } else {
                        store(key, new Stamped<>(value, started), before);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("background re-read failed; the entry stays until it expires: {}", e.getMessage());
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RuntimeException e) { // rejected
            refreshing.remove(key);
        }
    }
}
