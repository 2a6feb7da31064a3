package dev.portaltoken.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.TokenRejectedException;
import dev.portaltoken.keys.TokenVerifier;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A portal token's life after minting: introspection (RFC 7662) and revocation of one token
 * (RFC 7009) or of every token a customer was issued so far. Thread-safe.
 *
 * <p>A token is active when it is signed by a published key (or the HS256 secret), unexpired, not
 * revoked and, for a tenant's API key, of that tenant; an operator's portal key sees every tenant's
 * tokens. A token whose signature verified is remembered by the SHA-256 of all of it, so
 * introspecting it again costs a hash and a few look-ups; its expiry, key and revocation are checked
 * every time.
 */
public final class TokenLifecycle {
    /** The scope of tokens minted before scopes existed: everything. */
    static final String ALL_SCOPES = "read manage";

    /** The claims introspection reports for an active token. */
    public record Active(String sub, UUID tenantId, UUID customerId, String scope, long iat, long exp, UUID jti,
                         String iss, String kid) {
    }

    private final SigningKeys keys;
    private final Revocations revocations;
    private final Customers customers;
    private final TokenIds ids;
    private final Clock clock;
    private final Counters counters;
    private final Cache<ByteBuffer, Active> verified =
            Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofHours(1)).build();

    /** What is counted: introspections by outcome, revocations by kind. */
    public record Counters(Counter active, Counter inactive, Counter tokenRevoked, Counter customerRevoked) {
    }

    public TokenLifecycle(SigningKeys keys, Revocations revocations, Customers customers, TokenIds ids, Clock clock,
                          Counters counters) {
        this.keys = keys;
        this.revocations = revocations;
        this.customers = customers;
        this.ids = ids;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * The token's claims when it is active for {@code caller}; empty for anything else (garbage, a
     * bad signature, expired, revoked, a retired key, another tenant's token). Never an error for a
     * bad token.
     *
     * @throws ApiException 500 while the revocations are not loaded (nothing can be said active then)
     */
    public Optional<Active> introspect(Caller caller, String token) {
        if (!revocations.loaded()) {
            throw new ApiException(500, "token revocations are not loaded yet; retry shortly");
        }
        Optional<Active> active = signed(token).filter(t -> isCurrent(t) && (caller.isPortal()
                || caller.tenantId().equals(t.tenantId())));
        (active.isPresent() ? counters.active() : counters.inactive()).increment();
        return active;
    }

    /**
     * Revokes the token if it is one of the caller's tenant's and still valid; anything else (garbage,
     * another tenant's token, already expired or revoked) changes nothing, as RFC 7009 says.
     */
    public void revoke(Caller caller, String token) throws SQLException {
        Optional<Active> mine = signed(token).filter(t -> caller.tenantId().equals(t.tenantId()) && isCurrent(t));
        if (mine.isPresent()) {
            revocations.revokeToken(mine.get().jti(), mine.get().tenantId(), Instant.ofEpochSecond(mine.get().exp()));
            counters.tokenRevoked().increment();
        }
    }

    /**
     * Revokes every token issued so far to the caller's customer ("log out everywhere").
     *
     * @return the instant before which its tokens are revoked
     * @throws ApiException NOT_FOUND when the caller's tenant has no unarchived customer by that id or alias
     */
    public Instant revokeCustomer(Caller caller, String idOrAlias) throws SQLException {
        UUID customerId = customers.findActive(caller.tenantId(), idOrAlias)
                .orElseThrow(() -> ApiException.notFound("customer not found"));
        long cutOff = TokenIds.ticksOf(ids.next()).orElseThrow();
        revocations.revokeCustomer(caller.tenantId(), customerId, cutOff);
        counters.customerRevoked().increment();
        return TokenIds.instant(cutOff);
    }

    /** Unexpired, signed by a key still published, and not revoked. */
    private boolean isCurrent(Active token) {
        long issuedTicks = TokenIds.issuedTicks(token.jti(), token.iat());
        return clock.instant().getEpochSecond() < token.exp() && keys.publishes(token.kid())
                && !revocations.isRevoked(token.jti(), token.tenantId(), token.customerId(), issuedTicks);
    }

    /** The token's claims when its signature verifies (now or earlier), whatever else holds. */
    private Optional<Active> signed(String token) {
        ByteBuffer hash = ByteBuffer.wrap(ApiKeyFormat.sha256(token));
        Active known = verified.getIfPresent(hash);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            TokenVerifier.Signed signed = keys.verifySignature(token);
            Optional<Active> claims = claims(signed.header().getKeyID(), signed.claims());
            claims.ifPresent(active -> verified.put(hash, active));
            return claims;
        } catch (TokenRejectedException e) {
            return Optional.empty();
        }
    }

    /** The claims of one of our tokens; empty when a claim is missing or malformed (not one of ours). */
    private static Optional<Active> claims(String kid, JWTClaimsSet claims) {
        try {
            Map<String, Object> resource = claims.getJSONObjectClaim("resource");
            String scope = claims.getStringClaim("scope");
            String tenant = claims.getStringClaim("tenant_id");
            if (claims.getIssueTime() == null || claims.getExpirationTime() == null || claims.getJWTID() == null
                    || tenant == null || resource == null || !(resource.get("Customer") instanceof String customer)) {
                return Optional.empty();
            }
            return Optional.of(new Active(claims.getSubject(), UUID.fromString(tenant),
                    UUID.fromString(customer), scope == null ? ALL_SCOPES : scope,
                    claims.getIssueTime().getTime() / 1000, claims.getExpirationTime().getTime() / 1000,
                    UUID.fromString(claims.getJWTID()), claims.getIssuer(), kid));
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
