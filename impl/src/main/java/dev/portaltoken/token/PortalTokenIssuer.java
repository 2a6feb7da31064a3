package dev.portaltoken.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.ids.CustomerIds;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Mints portal tokens: a compact JWS with {@code iss}, {@code aud}, {@code sub} (the {@code cus_}
 * id), {@code iat}, {@code exp}, a unique {@code jti}, {@code tenant_id} and upstream's
 * {@code resource: {"Customer": uuid}} claim, signed with the key current at the time and carrying
 * its {@code kid}. Thread-safe.
 */
public final class PortalTokenIssuer {
    private final Supplier<SigningKey> currentKey;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    /** @param currentKey the key to sign with now; called once per token, must be cheap and thread-safe */
    public PortalTokenIssuer(Supplier<SigningKey> currentKey, String issuer, String audience, Clock clock) {
        this.currentKey = currentKey;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    public String mint(UUID tenantId, UUID customerId, TokenLifetime lifetime) {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(CustomerIds.format(customerId))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetime.seconds())))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant_id", tenantId.toString())
                .claim("resource", Map.of("Customer", customerId.toString()))
                .build();
        SigningKey key = currentKey.get();
        SignedJWT jwt = new SignedJWT(key.header(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }
}
