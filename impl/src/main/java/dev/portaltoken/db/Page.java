package dev.portaltoken.db;

import dev.portaltoken.errors.Failure;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list read in a stable order (keyset pagination): the items, and the cursor that
 * continues after the last of them when there are more. A cursor is opaque to clients: the sort key
 * of the last item, base64url-encoded. Items inserted or deleted between two pages never make a page
 * repeat or skip the items that stay. Immutable.
 *
 * @param <T> the items' type
 */
public record Page<T>(List<T> items, Optional<String> next) {
    /** The largest page a client may ask for. */
    public static final int MAX_LIMIT = 1_000;
    /** The page size when a client names none. */
    public static final int DEFAULT_LIMIT = 100;

    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page of {@code fetched}, which a query read with {@code LIMIT limit + 1}: its first
     * {@code limit} items, with a cursor made of the last one's sort key when a further item shows
     * there are more.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> sortKey) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, Optional.empty());
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, Optional.of(encode(sortKey.apply(items.get(limit - 1)))));
    }

    /**
     * A client's page size: {@link #DEFAULT_LIMIT} when absent.
     *
     * @throws Failure INVALID outside 1 to {@link #MAX_LIMIT}
     */
    public static int limit(Integer given) {
        if (given == null) {
            return DEFAULT_LIMIT;
        }
        if (given < 1 || given > MAX_LIMIT) {
            throw Failure.invalid("limit must be 1 to " + MAX_LIMIT);
        }
        return given;
    }

    /**
     * The sort key a client's cursor carries; empty for the first page (no cursor).
     *
     * @throws Failure INVALID for a cursor this server did not give
     */
    public static Optional<String> after(String cursor) {
        if (cursor == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw Failure.invalid("cursor is not one this server gave; give the next_cursor of the previous page");
        }
    }

    /** A cursor for {@code sortKey}. */
    static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Its items mapped by {@code f}, with the same cursor. */
    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), next);
    }
}
