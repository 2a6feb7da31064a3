package dev.portaltoken.http;

import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.token.IssuedTokens;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.Request;

/**
 * Says which requests are answered from memory alone, without waiting on PostgreSQL, so that they may
 * run on the selector thread that read them: {@code GET} of {@code /healthz}, {@code /readyz} and the
 * JWKS (served from state that background tasks keep), a portal-token request whose API key and
 * customer are both in their caches and that does not ask to {@code invalidate_existing} (a write),
 * and an introspection whose API key is cached and whose token was verified before, its customer
 * cached. Anything else, or anything it cannot tell cheaply (an encoded path, a body over 1 KiB or
 * with a JSON escape in it, an introspection body other than the token alone), is not. It reads only
 * the request line, the {@code Authorization} header and the body already received, and consumes
 * nothing.
 *
 * <p>An entry can expire between this test and its use; the request then reads PostgreSQL on the
 * selector thread, once, as it would have on a request thread. Thread-safe; never blocks.
 */
final class FromMemory implements Predicate<Request> {
    private static final Set<String> STATE_READS = Set.of("/healthz", "/readyz", "/.well-known/jwks.json");
    private static final String CUSTOMERS = "/api/v1/customers/";
    private static final String PORTAL_TOKEN = "/portal-token";
    private static final String INTROSPECT = "/api/v1/portal-tokens/introspect";
    private static final Pattern TOKEN_ALONE = Pattern.compile(
            "\\A(?:\\s*\\{\\s*\"token\"\\s*:\\s*\"([A-Za-z0-9_.-]+)\"\\s*}\\s*|token=([A-Za-z0-9_.-]+))\\z");
    private static final int MAX_BODY_BYTES = 1024;
    private static final byte[] INVALIDATE = "invalidate_existing".getBytes(StandardCharsets.US_ASCII);

    private final ApiKeyAuthenticator authenticator;
    private final Customers customers;
    private final IssuedTokens tokens;

    FromMemory(ApiKeyAuthenticator authenticator, Customers customers, IssuedTokens tokens) {
        this.authenticator = authenticator;
        this.customers = customers;
        this.tokens = tokens;
    }

    @Override
    public boolean test(Request request) {
        String path = request.getRequestURI();
        if (request.getMethod() == Method.GET) {
            return STATE_READS.contains(path);
        }
        if (request.getMethod() != Method.POST) {
            return false;
        }
        Buffer body = request.getInputBuffer().getBuffer();
        if (path.equals(INTROSPECT)) {
            return body.remaining() <= MAX_BODY_BYTES && caller(request).isPresent() && tokenAlone(body);
        }
        if (!path.startsWith(CUSTOMERS) || !path.endsWith(PORTAL_TOKEN) || path.indexOf('%') >= 0) {
            return false;
        }
        String idOrAlias = path.substring(CUSTOMERS.length(), path.length() - PORTAL_TOKEN.length());
        if (idOrAlias.isEmpty() || idOrAlias.indexOf('/') >= 0 || !plainBody(body)) {
            return false;
        }
        Optional<Caller> caller = caller(request);
        return caller.isPresent() && customers.isCached(caller.get().tenantId(), idOrAlias);
    }

    private Optional<Caller> caller(Request request) {
        String key = AuthenticationFilter.bearerKey(request.getHeader("Authorization"));
        return key == null ? Optional.empty() : authenticator.cached(key);
    }

    /** A body that is the token alone, as JSON or a form, and a token introspected from memory. */
    private boolean tokenAlone(Buffer body) {
        Matcher m = TOKEN_ALONE.matcher(body.toStringContent(StandardCharsets.US_ASCII));
        return m.matches() && tokens.isCached(m.group(1) != null ? m.group(1) : m.group(2));
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
