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
import dev.portaltoken.crypto.Signers;
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
 * Checks a portal token the way a careful portal would, trusting only what this server signs: a
 * signed JWS (never {@code alg: none}, no critical extensions) whose {@code kid} names a published
 * stored key of the token's algorithm (active or retiring), or, only while this server signs HS256,
 * the configured shared secret's {@code kid}; a valid signature; the {@code iss} and {@code aud} this
 * server puts in tokens of that algorithm, an {@code iat} and an {@code exp} no more than the longest
 * token lifetime apart ({@link TokenRules}); and, for {@link #verify}, an {@code exp} still ahead.
 * Signatures are checked with the JDK (or the fast verifiers the server is given), not the signers
 * that made them. Thread-safe.
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
    private final Optional<String> sharedSecretKid;
    private final TokenRules expected;
    private final Clock clock;

    /**
     * A verifier whose signature checks are the JDK's, independent of the signers that made the tokens.
     *
     * @param keys every stored key, retired ones included (to say why their tokens fail)
     */
    public TokenVerifier(List<StoredKey> keys, TokenRules expected, Clock clock) {
        this(keys, expected, clock, Signers::verifier);
    }

    /** @param verifiers makes the verifier of each key that is not retired, once, here */
    TokenVerifier(List<StoredKey> keys, TokenRules expected, Clock clock, Verifiers verifiers) {
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
        this.sharedSecret = expected.sharedSecret().map(Secret::bytes);
        this.sharedSecretKid = sharedSecret.map(SigningKey::hmacKeyId);
        this.expected = expected;
        this.clock = clock;
    }

    /**
     * True when tokens with this {@code kid} in their header can verify here: an unretired key it was
     * given, or the shared secret's while HS256 is what this server signs. A token without a kid never does.
     */
    public boolean knows(String kid) {
        return kid != null && (verifiers.containsKey(kid) || sharedSecretKid.filter(kid::equals).isPresent());
    }

    /** A token whose signature and claims verified (not its expiry): its header and claims. */
    public record Signed(JWSHeader header, JWTClaimsSet claims) {
    }

    /** A token that verified: its header and claims as JSON objects. */
    public record Verified(Map<String, Object> header, Map<String, Object> claims) {
    }

    /** @throws TokenRejectedException with the reason */
    public Verified verify(String token) {
        Signed signed = verifyIssued(token);
        Instant expiry = signed.claims().getExpirationTime().toInstant();
        if (!expiry.isAfter(clock.instant())) {
            throw reject("expired at " + expiry);
        }
        return new Verified(signed.header().toJSONObject(), signed.claims().toJSONObject());
    }

    /**
     * Checks that {@code token} was issued by this server as it issues tokens now: signed by a known,
     * unretired key (or the HS256 secret while HS256 signs), with this server's {@code iss} and
     * {@code aud}, and a lifetime within the longest allowed. Not its expiry, nor its revocation.
     *
     * @throws TokenRejectedException with the reason
     */
    public Signed verifyIssued(String token) {
        Signed signed = verifySignature(token);
        expected.check(signed.header().getAlgorithm(), signed.claims());
        return signed;
    }

    /** Checks the signature only: a JWS signed by a known, unretired key (or the HS256 secret). */
    private Signed verifySignature(String token) {
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
            byte[] secret = sharedSecret.orElseThrow(() -> reject("an HS256 token, but this server signs "
                    + expected.signs() + " (it accepts HS256 tokens only while " + Setting.TOKEN_ALG.env()
                    + " is HS256)"));
            if (kid == null) {
                throw reject("no kid in the header (this server's HS256 tokens name the secret's)");
            }
            if (!kid.equals(sharedSecretKid.orElseThrow())) {
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

    static TokenRejectedException reject(String reason) {
        return new TokenRejectedException(reason);
    }
}
