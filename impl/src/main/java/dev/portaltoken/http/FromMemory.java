package dev.portaltoken.http;

import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.Request;

/**
 * Says which requests are answered from memory alone, without waiting on PostgreSQL, so that they may
 * run on the selector thread that read them: {@code GET} of {@code /healthz}, {@code /readyz} and the
 * JWKS (served from state that background tasks keep), and a portal-token request whose API key and
 * customer are both in their caches and that does not ask to {@code invalidate_existing} (a write).
 * Anything else, or anything it cannot tell cheaply (an encoded path, a body over 1 KiB or with a JSON
 * escape in it), is not. It reads only the request line, the {@code Authorization} header and the
 * body already received, and consumes nothing.
 *
 * <p>An entry can expire between this test and its use; the request then reads PostgreSQL on the
 * selector thread, once, as it would have on a request thread. Thread-safe; never blocks.
 */
final class FromMemory implements Predicate<Request> {
    private static final Set<String> STATE_READS = Set.of("/healthz", "/readyz", "/.well-known/jwks.json");
    private static final String CUSTOMERS = "/api/v1/customers/";
    private static final String PORTAL_TOKEN = "/portal-token";
    private static final int MAX_BODY_BYTES = 1024;
    private static final byte[] INVALIDATE = "invalidate_existing".getBytes(StandardCharsets.US_ASCII);

    private final ApiKeyAuthenticator authenticator;
    private final Customers customers;

    FromMemory(ApiKeyAuthenticator authenticator, Customers customers) {
        this.authenticator = authenticator;
        this.customers = customers;
    }

    @Override
    public boolean test(Request request) {
        String path = request.getRequestURI();
        if (request.getMethod() == Method.GET) {
            return STATE_READS.contains(path);
        }
        if (request.getMethod() != Method.POST || !path.startsWith(CUSTOMERS) || !path.endsWith(PORTAL_TOKEN)
                || path.indexOf('%') >= 0) {
            return false;
        }
        String idOrAlias = path.substring(CUSTOMERS.length(), path.length() - PORTAL_TOKEN.length());
        if (idOrAlias.isEmpty() || idOrAlias.indexOf('/') >= 0 || !plainBody(request.getInputBuffer().getBuffer())) {
            return false;
        }
        String key = AuthenticationFilter.bearerKey(request.getHeader("Authorization"));
        Optional<Caller> caller = key == null ? Optional.empty() : authenticator.cached(key);
        return caller.isPresent() && customers.isCached(caller.get().tenantId(), idOrAlias);
    }

    /** A body of at most 1 KiB, with no JSON escape and no {@code invalidate_existing} in it. */
    private static boolean plainBody(Buffer body) {
        int length = body.remaining();
        if (length > MAX_BODY_BYTES) {
            return false;
        }
        int start = body.position();
        for (int i = 0; i < length; i++) {
            byte b = body.get(start + i);
            if (b == '\\' || b == INVALIDATE[0] && startsAt(body, start + i, start + length)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsAt(Buffer body, int at, int end) {
        if (end - at < INVALIDATE.length) {
            return false;
        }
        for (int j = 1; j < INVALIDATE.length; j++) {
            if (body.get(at + j) != INVALIDATE[j]) {
                return false;
            }
        }
        return true;
    }
}
