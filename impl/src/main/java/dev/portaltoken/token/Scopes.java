package dev.portaltoken.token;

import dev.portaltoken.errors.ApiException;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
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
            throw ApiException.badRequest("scopes must not be empty: leave it out (or null) for both \"read\" and \"manage\"");
        }
        granted = Collections.unmodifiableSet(EnumSet.copyOf(granted));
    }

    /** The requested scopes (duplicates count once), or {@link #ALL} when {@code requested} is null. */
    public static Scopes ofNullable(Collection<Scope> requested) {
        return requested == null ? ALL : new Scopes(requested.isEmpty() ? Set.of() : EnumSet.copyOf(requested));
    }

    /** The {@code scope} claim (RFC 8693, RFC 9068): the names space-separated, in the order {@code read manage}. */
    public String claim() {
        return granted.stream().map(Scope::wireName).collect(Collectors.joining(" "));
    }
}
