package dev.portaltoken.server;

import java.net.URI;
import java.util.Optional;

/**
 * This server's public base URL as clients reach it, without a trailing slash: {@code PUBLIC_URL}
 * when set, or else the address the API listener is bound to. Computed once, after the listener is
 * bound (with port 0 the port is known only then), and handed to what answers with it. Immutable.
 */
record PublicUrl(URI uri) {
    /**
     * @param configured {@code PUBLIC_URL}, when set
     * @param bound      where the API listener is bound, with a host usable from this machine
     */
    static PublicUrl of(Optional<URI> configured, URI bound) {
        String url = configured.orElse(bound).toString();
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return new PublicUrl(URI.create(url.substring(0, end)));
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
