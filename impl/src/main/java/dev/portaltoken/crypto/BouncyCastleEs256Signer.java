package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/**
 * ES256 (ECDSA on P-256 with SHA-256) for Nimbus through BouncyCastle's lightweight API, on its
 * custom P-256 field arithmetic with a precomputed base-point table. The nonce is deterministic
 * (RFC 6979), so signing needs no random source and cannot leak the key through a weak one.
 * The signature is the JWS form: R and S as 32-byte big-endian integers, concatenated.
 * Thread-safe: the key is immutable and each call uses its own digest and ECDSA state.
 */
final class BouncyCastleEs256Signer extends SingleAlgorithm implements JWSSigner {
    static final ECDomainParameters P256;
    private static final int COORDINATE_BYTES = 32;

    static {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
        P256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    }

    private final ECPrivateKeyParameters privateKey;

    /** @param d the private scalar, 1 to n-1 */
    BouncyCastleEs256Signer(BigInteger d) {
        super(JWSAlgorithm.ES256);
        this.privateKey = new ECPrivateKeyParameters(d, P256);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        requireAlgorithmOf(header);
        byte[] hash = sha256(signingInput);
        ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        ecdsa.init(true, privateKey);
        BigInteger[] rs = ecdsa.generateSignature(hash);
        byte[] signature = new byte[2 * COORDINATE_BYTES];
        BigIntegers.asUnsignedByteArray(rs[0], signature, 0, COORDINATE_BYTES);
        BigIntegers.asUnsignedByteArray(rs[1], signature, COORDINATE_BYTES, COORDINATE_BYTES);
        return Signers.base64Url(signature);
    }

    /** The SHA-256 of {@code input}, the hash ES256 signs. */
    static byte[] sha256(byte[] input) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(input, 0, input.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        return hash;
    }
}
