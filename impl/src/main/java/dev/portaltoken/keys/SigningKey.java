package dev.portaltoken.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A key portal tokens are signed with: its algorithm, its {@code kid}, a thread-safe signer built
 * once, and the JWS header every token it signs carries. Immutable; {@link #toString()} names the
 * key without revealing it.
 */
public final class SigningKey {
    private final JWSSigner signer;
    /** Holds the algorithm and the kid: they are said once, as every token states them. */
    private final JWSHeader header;
    private final String encodedHeader;

    public SigningKey(JWSAlgorithm algorithm, String keyId, JWSSigner signer) {
        this.signer = signer;
        this.header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build();
        this.encodedHeader = header.toBase64URL().toString();
    }

    /**
     * HS256 with a shared secret (at least 32 bytes). Its kid names the secret without revealing
     * anything usable about it; the secret is never published.
     */
    public static SigningKey hmac(byte[] secret) {
        try {
            return new SigningKey(JWSAlgorithm.HS256, hmacKeyId(secret), new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable as an HS256 key: " + e.getMessage());
        }
    }

    /** The kid of HS256 tokens signed with {@code secret}. */
    public static String hmacKeyId(byte[] secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("kid:".getBytes(StandardCharsets.UTF_8));
            return "hs256-" + Base64URL.encode(sha256.digest(secret)).toString().substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public JWSAlgorithm algorithm() {
        return header.getAlgorithm();
    }

    public String keyId() {
        return header.getKeyID();
    }

    public JWSSigner signer() {
        return signer;
    }

    /** The header, base64url-encoded once: the first part of every token this key signs. */
    public String encodedHeader() {
        return encodedHeader;
    }

    /** {@code {"alg", "typ": "JWT", "kid"}}. */
    public JWSHeader header() {
        return header;
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm() + ", kid=" + keyId() + "]";
    }
}
