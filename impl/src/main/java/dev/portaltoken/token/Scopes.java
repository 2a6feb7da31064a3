package dev.portaltoken.token;

import dev.portaltoken.errors.Failure;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scopes a token grants: at least one, each once. Immutable.
 *
 * @param granted never empty; unmodifiable, iterated in the order {@code read manage}
 */
public record Scopes(Set<Scope> granted) {
    /** Both scopes: what a request without {@code scopes} gets. */
    public static final Scopes ALL = new Scopes(EnumSet.allOf(Scope.class));

    public Scopes {
        if (granted.isEmpty()) {
            throw Failure.invalid("scopes must not be empty: leave it out (or null) for both \"read\" and \"manage\"");
        }
        granted = Collections.unmodifiableSet(EnumSet.copyOf(granted));
    }

    /** The requested scopes (duplicates count once), or {@link #ALL} when {@code requested} is null. */
    public static Scopes ofNullable(Collection<Scope> requested) {
        return requested == null ? ALL : new Scopes(requested.isEmpty() ? Set.of() : EnumSet.copyOf(requested));
    }

    /** The {@code scope} claim (RFC 8693, RFC 9068): the names space-separated, in the order {@code read manage}. */
    public String claim() {
        return CLAIMS.get(granted);
    }

    /** Every claim there can be, one per non-empty set of scopes: built once, not per token. */
    private static final Map<Set<Scope>, String> CLAIMS = claims();

    private static Map<Set<Scope>, String> claims() {
        Scope[] all = Scope.values();
        Map<Set<Scope>, String> claims = new HashMap<>();
        for (int subset = 1; subset < 1 << all.length; subset++) {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (int i = 0; i < all.length; i++) {
                if ((subset & 1 << i) != 0) {
                    scopes.add(all[i]);
                }
            }
            claims.put(scopes, scopes.stream().map(Scope::wireName).collect(Collectors.joining(" ")));
        }
        return Map.copyOf(claims);
    }
}
