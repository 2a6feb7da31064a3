package dev.portaltoken.keys;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.config.Secret;
import dev.portaltoken.config.Setting;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a portal token the way a careful portal would: a signed JWS (never {@code alg: none}, no
 * critical extensions), a {@code kid} naming a published stored key of the token's algorithm (or,
 * for HS256, the configured shared secret), a valid signature, an {@code exp} still ahead and the
 * audience the server puts in tokens of that algorithm ({@link TokenAudience}): an HS256 token
 * carries none unless one is configured. Signatures are checked with the JDK, not the signers that made them.
 * Thread-safe.
 */
public final class TokenVerifier {
    private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9._~+/=-]{1,64}");

    /** Makes the verifier of a public key. */
    interface Verifiers {
        JWSVerifier of(JWK publicKey) throws JOSEException;
    }

    private final Map<String, StoredKey> keys;
    private final Map<String, JWSVerifier> verifiers;
    private final Optional<byte[]> sharedSecret;
    private final TokenAudience audience;
    private final Clock clock;

    /**
     * A verifier whose signature checks are the JDK's, independent of the signers that made the tokens.
     *
     * @param keys         every stored key, retired ones included (to say why their tokens fail)
     * @param sharedSecret the HS256 secret, if configured
     */
    public TokenVerifier(List<StoredKey> keys, Optional<Secret> sharedSecret, TokenAudience audience, Clock clock) {
        this(keys, sharedSecret, audience, clock, Signers::verifier);
    }

    /** @param verifiers makes the verifier of each key that is not retired, once, here */
    TokenVerifier(List<StoredKey> keys, Optional<Secret> sharedSecret, TokenAudience audience, Clock clock,
                  Verifiers verifiers) {
        this.keys = keys.stream().collect(Collectors.toUnmodifiableMap(StoredKey::kid, Function.identity()));
        Map<String, JWSVerifier> made = new java.util.HashMap<>();
        for (StoredKey key : keys) {
            if (key.state() != KeyState.RETIRED) {
                try {
                    made.put(key.kid(), verifiers.of(key.publicKey()));
                } catch (JOSEException e) {
                    // unusable: its tokens fail as a bad signature
                }
            }
        }
        this.verifiers = Map.copyOf(made);
        this.sharedSecret = sharedSecret.map(Secret::bytes);
        this.audience = audience;
        this.clock = clock;
    }

    /**
     * True when tokens with this {@code kid} in their header can verify here: an unretired key it was
     * given, or (HS256, with or without a kid) the shared secret.
     */
    public boolean knows(String kid) {
        if (kid == null) {
            return sharedSecret.isPresent();
        }
        return verifiers.containsKey(kid)
                || sharedSecret.map(secret -> kid.equals(SigningKey.hmacKeyId(secret))).orElse(false);
    }

    /** A token whose signature verified (nothing else was checked): its header and claims. */
    public record Signed(JWSHeader header, JWTClaimsSet claims) {
    }

    /** A token that verified: its header and claims as JSON objects. */
    public record Verified(Map<String, Object> header, Map<String, Object> claims) {
    }

    /** @throws TokenRejectedException with the reason */
    public Verified verify(String token) {
        Signed signed = verifySignature(token);
        JWTClaimsSet claims = signed.claims();
        if (claims.getExpirationTime() == null) {
            throw reject("no exp claim");
        }
        Instant expiry = claims.getExpirationTime().toInstant();
        if (!expiry.isAfter(clock.instant())) {
            throw reject("expired at " + expiry);
        }
        JWSHeader header = signed.header();
        Optional<String> expected = audience.of(header.getAlgorithm());
        if (expected.isPresent() && (claims.getAudience() == null || !claims.getAudience().contains(expected.get()))) {
            throw reject("wrong audience (expected '" + expected.get() + "')");
        }
        if (expected.isEmpty() && claims.getClaim("aud") != null) {
            throw reject("an aud claim, but " + header.getAlgorithm() + " tokens carry none unless "
                    + Setting.TOKEN_AUDIENCE.env() + " is set (upstream's portal rejects any)");
        }
        return new Verified(header.toJSONObject(), claims.toJSONObject());
    }

    /**
     * Checks that {@code token} is a JWS signed by a known, unretired key (or the HS256 secret), and
     * nothing else: not its expiry, audience or revocation.
     *
     * @throws TokenRejectedException with the reason
     */
    public Signed verifySignature(String token) {
        SignedJWT jwt = parse(token.strip());
        JWSHeader header = jwt.getHeader();
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw reject("unsupported critical header parameters");
        }
        boolean valid;
        try {
            valid = jwt.verify(verifierFor(header));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw reject("bad signature");
        }
        try {
            return new Signed(header, jwt.getJWTClaimsSet());
        } catch (ParseException e) {
            throw reject("the payload is not a JSON object of claims");
        }
    }

    private static SignedJWT parse(String token) {
        Base64URL[] parts;
        Header header;
        try {
            parts = JOSEObject.split(token);
            header = Header.parse(parts[0]);
        } catch (ParseException e) {
            throw reject("not a JWT");
        }
        if (Algorithm.NONE.equals(header.getAlgorithm())) {
            throw reject("unsigned (alg none)");
        }
        if (!(header instanceof JWSHeader) || parts.length != 3) {
            throw reject("not a signed JWT");
        }
        try {
            return new SignedJWT(parts[0], parts[1], parts[2]);
        } catch (ParseException e) {
            throw reject("not a JWT");
        }
    }

    private JWSVerifier verifierFor(JWSHeader header) throws JOSEException {
        JWSAlgorithm algorithm = header.getAlgorithm();
        String kid = header.getKeyID();
        if (JWSAlgorithm.HS256.equals(algorithm)) {
            byte[] secret = sharedSecret.orElseThrow(
                    () -> reject("an HS256 token, but " + Setting.JWT_SECRET.env() + " is not set"));
            if (kid != null && !kid.equals(SigningKey.hmacKeyId(secret))) {
                throw reject("unknown kid " + show(kid));
            }
            return new MACVerifier(secret);
        }
        if (!Signers.ASYMMETRIC.contains(algorithm)) {
            throw reject("unsupported algorithm " + show(algorithm.getName()));
        }
        if (kid == null) {
            throw reject("no kid in the header");
        }
        StoredKey key = keys.get(kid);
        if (key == null) {
            throw reject("unknown kid " + show(kid));
        }
        if (key.state() == KeyState.RETIRED) {
            throw reject("key " + kid + " is retired");
        }
        if (!key.algorithm().equals(algorithm)) {
            throw reject("key " + kid + " is an " + key.algorithm() + " key, the token says " + algorithm);
        }
        JWSVerifier verifier = verifiers.get(kid);
        if (verifier == null) {
            throw reject("key " + kid + " is unusable");
        }
        return verifier;
    }

    /** Quotes a value taken from the token only when it is short and plain. */
    private static String show(String value) {
        return SHOWABLE.matcher(value).matches() ? "'" + value + "'" : "(not shown)";
    }

    private static TokenRejectedException reject(String reason) {
        return new TokenRejectedException(reason);
    }
}
