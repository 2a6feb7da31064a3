package dev.portaltoken.cache;

/**
 * Whether a cached entry may still be served, given when it was loaded. Entries are kept fresh by
 * change notifications; while those are not known to arrive, only recently loaded entries may be
 * trusted. Implementations are thread-safe and cheap (asked on every cache hit).
 */
@FunctionalInterface
public interface Freshness {
    /** Trusts every entry for its cache lifetime: for caches no notification could keep fresh anyway. */
    Freshness UNTIL_EXPIRY = loadedAtNanos -> true;

    /** @param loadedAtNanos {@link System#nanoTime()} when the entry's database read started */
    boolean trusts(long loadedAtNanos);
}
