package dev.portaltoken.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.TokenRejectedException;
import dev.portaltoken.keys.TokenVerifier;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
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
 * <p>A token is active when this server issued it as it issues tokens now (a published key, or the
 * HS256 secret while HS256 signs; its {@code iss} and {@code aud}; a lifetime within the longest),
 * it is unexpired, not revoked, its customer is not archived and, for a tenant's API key, it is of
 * that tenant; an operator's portal key sees every tenant's tokens. A token whose signature and
 * claims verified is remembered by the first 128 bits of the SHA-256 of all of it, so introspecting
 * it again costs a hash and a few look-ups; its expiry, key, revocation and customer are checked
 * every time. Those remembered tokens take at most {@link #VERIFIED_HEAP_SHARE} of the heap.
 */
public final class IssuedTokens {
    /** The scope of tokens minted before scopes existed: everything. */
    static final String ALL_SCOPES = "read manage";
    /** The part of the maximum heap the verified tokens may take: 1/16 (8 MiB of the production 128 MiB). */
    static final double VERIFIED_HEAP_SHARE = 1.0 / 16;
    /**
     * What one remembered token costs the heap, rounded up from a measurement (266 bytes for 100,000
     * entries, docs/operations.md): the cache's node and key, the claims record and its three UUIDs
     * (its strings are shared).
     */
    static final int VERIFIED_ENTRY_BYTES = 300;
    /** However large the heap, no more entries than this. */
    private static final long VERIFIED_MAX_ENTRIES = 100_000;

    /**
     * The claims introspection reports for an active token; {@code scope}, {@code iss} and
     * {@code kid} are shared instances (a handful of distinct values).
     */
    public record Active(UUID tenantId, UUID customerId, String scope, long iat, long exp, UUID jti, String iss,
                         String kid) {
        /** The customer's {@code cus_} id, the token's {@code sub}. */
        public String sub() {
            return CustomerIds.format(customerId);
        }
    }

    /**
     * The first 128 bits of a token's SHA-256: what verified tokens are remembered by. Its equals is
     * written out, as {@code Customers}' cache key's is: a record's own runs through method handles.
     */
    private record Fingerprint(long high, long low) {
        static Fingerprint of(String token) {
            ByteBuffer hash = ByteBuffer.wrap(ApiKeyFormat.sha256(token));
            return new Fingerprint(hash.getLong(0), hash.getLong(8));
        }
        @Override public boolean equals(Object other) {
            return other instanceof Fingerprint that && high == that.high && low == that.low; }
        @Override public int hashCode() { return Long.hashCode(high * 31 + low); }
    }

    private final SigningKeys keys;
    private final Revocations revocations;
    private final Customers customers;
    private final TokenIds ids;
    private final Clock clock;
    private final Counters counters;
    private final Cache<Fingerprint, Active> verified = Caffeine.newBuilder()
            .maximumSize(verifiedEntries(Runtime.getRuntime().maxMemory()))
            .expireAfterWrite(Duration.ofHours(1)).build();

    /** What is counted: introspections by outcome, revocations by kind. */
    public record Counters(Counter active, Counter inactive, Counter tokenRevoked, Counter customerRevoked) {
    }

    public IssuedTokens(SigningKeys keys, Revocations revocations, Customers customers, TokenIds ids, Clock clock,
                          Counters counters) {
        this.keys = keys;
        this.revocations = revocations;
        this.customers = customers;
        this.ids = ids;
        this.clock = clock;
        this.counters = counters;
    }

    /** How many verified tokens are remembered with a maximum heap of {@code maxHeapBytes}. */
    static long verifiedEntries(long maxHeapBytes) {
        return Math.max(1_000, Math.min(VERIFIED_MAX_ENTRIES,
                (long) (maxHeapBytes * VERIFIED_HEAP_SHARE) / VERIFIED_ENTRY_BYTES));
    }

    /**
     * The token's claims when it is active for {@code caller}; empty for anything else (garbage, a
     * bad signature, expired, revoked, a retired key, an archived customer, another tenant's token).
     * Never an error for a bad token.
     *
     * @throws Failure UNAVAILABLE while the revocations are not loaded (nothing can be said active then)
     */
    public Optional<Active> introspect(Caller caller, String token) {
        if (!revocations.loaded()) {
            throw Failure.unavailable("token revocations are not loaded yet; retry shortly");
        }
        Optional<Active> mine = signed(token).filter(t -> caller.isPortal() || caller.tenantId().equals(t.tenantId()));
        Optional<Active> active = mine.isPresent() && isCurrent(mine.get()) ? mine : Optional.empty();
        (active.isPresent() ? counters.active() : counters.inactive()).increment();
        return active;
    }

    /**
     * True when {@link #introspect} would answer {@code token} from memory now: verified before, and its
     * customer in the found-customer cache. Never blocks.
     */
    public boolean isCached(String token) {
        Active known = verified.getIfPresent(Fingerprint.of(token));
        return known != null && customers.isCached(known.tenantId(), known.sub());
    }

    /**
     * Revokes the token if it is one of the caller's tenant's and still valid; anything else (garbage,
     * another tenant's token, already expired or revoked) changes nothing, as RFC 7009 says.
     *
     * @throws Failure LIMIT_REACHED when the tenant holds the most revoked tokens allowed
     */
    public void revoke(Caller caller, String token) {
        Optional<Active> mine = signed(token).filter(t -> caller.tenantId().equals(t.tenantId()));
        if (mine.isEmpty() || !isCurrent(mine.get())) {
            return;
        }
        Active active = mine.get();
        switch (revocations.revokeToken(active.jti(), active.tenantId(), Instant.ofEpochSecond(active.exp()))) {
            case REVOKED -> counters.tokenRevoked().increment();
            case ALREADY_REVOKED -> {
            }
            case TENANT_LIMIT_REACHED -> throw Failure.limitReached("this tenant holds the most revoked tokens"
                    + " allowed at once, which are released as they expire; to end every token of a customer at once,"
                    + " use POST /api/v1/customers/{id_or_alias}/portal-tokens/revoke");
        }
    }

    /**
     * Revokes every token issued so far to the caller's customer, archived or not ("log out
     * everywhere"): those issued before the database's clock says now, and every token this
     * instance issued.
     *
     * @return the instant before which its tokens are revoked
     * @throws Failure NOT_FOUND when the caller's tenant has no customer by that id or alias
     */
    public Instant revokeCustomer(Caller caller, String idOrAlias) {
        UUID customerId = customers.findIncludingArchived(caller.tenantId(), idOrAlias)
                .orElseThrow(() -> Failure.notFound("customer not found"));
        long cutOff = revocations.revokeCustomer(caller.tenantId(), customerId, ids.lastTicks() + 1);
        counters.customerRevoked().increment();
        return TokenIds.instant(cutOff);
    }

    /** Unexpired, signed by a key still published, not revoked, and its customer not archived. */
    private boolean isCurrent(Active token) {
        long issuedTicks = TokenIds.issuedTicks(token.jti(), token.iat());
        return clock.instant().getEpochSecond() < token.exp() && keys.publishes(token.kid())
                && !revocations.isRevoked(token.jti(), token.customerId(), issuedTicks)
                && customers.findActive(token.tenantId(), token.sub()).isPresent();
    }

    /** The token's claims when it was issued here as tokens are issued now (verified now or earlier). */
    private Optional<Active> signed(String token) {
        Fingerprint fingerprint = Fingerprint.of(token);
        Active known = verified.getIfPresent(fingerprint);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            TokenVerifier.Signed signed = keys.verifyIssued(token);
            Optional<Active> claims = claims(signed.header().getKeyID(), signed.claims());
            claims.ifPresent(active -> verified.put(fingerprint, active));
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
            if (claims.getJWTID() == null || tenant == null || kid == null || resource == null
                    || !(resource.get("Customer") instanceof String customer)) {
                return Optional.empty();
            }
            UUID customerId = UUID.fromString(customer);
            if (!CustomerIds.format(customerId).equals(claims.getSubject())) {
                return Optional.empty();
            }
            return Optional.of(new Active(UUID.fromString(tenant), customerId,
                    (scope == null ? ALL_SCOPES : scope).intern(),
                    claims.getIssueTime().getTime() / 1000, claims.getExpirationTime().getTime() / 1000,
                    UUID.fromString(claims.getJWTID()), claims.getIssuer().intern(), kid.intern()));
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
