package dev.portaltoken.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Checks every token the suite mints: {@link Http} hands it every 200 answer of the portal-token
 * operation it receives (through the JDK client or a raw socket), so no minted token escapes.
 *
 * <ul>
 *   <li>The five fields agree: {@code portal_link} is {@code <portal_url>/portal/customer?token=<token>}
 *       (one slash; then at most a deep link's parameters), {@code expires_at} is the token's {@code exp} as an RFC 3339 UTC date-time,
 *       {@code api_url} is an absolute http(s) URL without a trailing slash.</li>
 *   <li>{@code scope} is a non-empty selection of {@code read manage}, space-separated, in that order.</li>
 *   <li>An HS256 token has the header {@code {"alg":"HS256","typ":"JWT"}} plus at most a string
 *       {@code kid}, and {@link UpstreamPortal} accepts it with the server's secret (a server whose
 *       secret the client was not given fails here rather than let the token pass unchecked); or,
 *       where the server was given an audience, refuses it for its {@code aud} alone.</li>
 *   <li>An EdDSA or ES256 token carries {@code aud}: the configured audience, else customer-portal.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class MintedTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MINT_PATH = Pattern.compile("/api/v1/customers/[^/]+/portal-token");
    /** What may follow the token on portal_link: a deep link of issue 26, as upstream's portal reads it. */
    private static final Pattern DEEP_LINK = Pattern.compile("(&page=(overview|subscriptions|usage|invoices|settings)"
            + "|&page=subscriptions&sub=sub_[0-9A-Za-z]{1,22}|&embed=(portal|plan|subscriptions|usage|invoices|payment-methods)"
            + "|&embed=subscription&subscription=sub_[0-9A-Za-z]{1,22})?");
    private static final Pattern API_URL = Pattern.compile("https?://[^/?#\\s]+(/[^?#\\s]*[^/?#\\s])?");
    private static final List<String> SCOPE_CLAIMS = List.of("read", "manage", "read manage");
    private static final Set<String> HS256_HEADER = Set.of("alg", "typ", "kid");
    private static final AtomicLong HS256_ACCEPTED = new AtomicLong();

    private MintedTokens() {
    }

    /**
     * What the server that minted a token was configured with.
     *
     * @param jwtSecret its PORTAL_JWT_SECRET
     * @param audience  its PORTAL_TOKEN_AUDIENCE
     */
    public record Server(Optional<String> jwtSecret, Optional<String> audience) {
        /** A server with neither: EdDSA or ES256 tokens with the default audience. */
        public static final Server DEFAULTS = new Server(Optional.empty(), Optional.empty());
    }

    /** How many HS256 tokens {@link UpstreamPortal} has accepted in this JVM (to show the check runs). */
    public static long hs256Accepted() {
        return HS256_ACCEPTED.get();
    }

    /** Checks {@code reply} when it is a minted token; any other answer passes untouched. */
    static void check(String method, String rawPath, Http.Reply reply, Server server) {
        if (!"POST".equals(method) || reply.status() != 200 || !MINT_PATH.matcher(rawPath).matches()) {
            return;
        }
        JsonNode body = reply.json();
        String token = body.path("token").asText();
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new AssertionError("minted token is not a compact JWS");
        }
        JsonNode header = decode(parts[0]);
        JsonNode claims = decode(parts[1]);

        String portalUrl = body.path("portal_url").asText();
        String base = portalUrl.endsWith("/") ? portalUrl.substring(0, portalUrl.length() - 1) : portalUrl;
        String link = body.path("portal_link").asText();
        String plain = base + "/portal/customer?token=" + token;
        require(link.startsWith(plain) && DEEP_LINK.matcher(link.substring(plain.length())).matches(),
                "portal_link is <portal_url>/portal/customer?token=<token>, then at most a deep link's parameters");
        require(API_URL.matcher(body.path("api_url").asText()).matches(),
                "api_url is an absolute http(s) URL without a trailing slash: " + body.path("api_url"));
        String expiresAt = body.path("expires_at").asText();
        try {
            require(expiresAt.endsWith("Z") && Instant.parse(expiresAt).getEpochSecond() == claims.path("exp").asLong(-1),
                    "expires_at is the token's exp in RFC 3339 UTC: " + expiresAt);
        } catch (DateTimeParseException e) {
            throw new AssertionError("expires_at is not an RFC 3339 date-time: " + expiresAt, e);
        }
        require(SCOPE_CLAIMS.contains(claims.path("scope").asText()), "scope is 'read', 'manage' or 'read manage'");

        String alg = header.path("alg").asText();
        if ("HS256".equals(alg)) {
            for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                require(HS256_HEADER.contains(name) && header.get(name).isTextual(),
                        "an HS256 header is {alg, typ} plus at most a string kid, not " + name);
            }
            require("JWT".equals(header.path("typ").asText()), "an HS256 header has typ JWT");
            String secret = server.jwtSecret().orElseThrow(() -> new AssertionError(
                    "an HS256 token from a server whose PORTAL_JWT_SECRET this client was not given"));
            if (server.audience().isEmpty()) {
                require(!claims.has("aud"), "HS256 tokens carry no aud unless PORTAL_TOKEN_AUDIENCE is set");
                UpstreamPortal.accept(token, secret, Instant.now().getEpochSecond());
                HS256_ACCEPTED.incrementAndGet();
            } else {
                require(server.audience().get().equals(claims.path("aud").asText()), "aud is PORTAL_TOKEN_AUDIENCE");
                UpstreamPortal.Rejected rejected = org.junit.jupiter.api.Assertions.assertThrows(
                        UpstreamPortal.Rejected.class, () -> UpstreamPortal.accept(token, secret, Instant.now().getEpochSecond()));
                require(rejected.getMessage().endsWith(UpstreamPortal.INVALID_AUDIENCE),
                        "upstream's portal refuses it for its aud alone: " + rejected.getMessage());
            }
        } else {
            require(server.audience().orElse("customer-portal").equals(claims.path("aud").asText()),
                    alg + " tokens carry aud: PORTAL_TOKEN_AUDIENCE, else customer-portal");
        }
    }

    private static JsonNode decode(String part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (IOException | IllegalArgumentException e) {
            throw new AssertionError("minted token part is not base64url JSON", e);
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("minted token: " + what);
        }
    }
}
