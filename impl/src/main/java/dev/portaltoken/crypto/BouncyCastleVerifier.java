package dev.portaltoken.crypto;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies EdDSA (Ed25519) or ES256 (P-256, R||S) signatures with BouncyCastle's lightweight API, as
 * fast as its signers: for the server checking tokens it minted (introspection, revocation). The
 * verifiers independent of the signers, for {@code token verify} and tests, are the JDK's.
 * Thread-safe: the key is immutable and each call uses its own state.
 */
final class BouncyCastleVerifier extends SingleAlgorithm implements JWSVerifier {
    private static final int ES256_COORDINATE_BYTES = 32;

    private final Ed25519PublicKeyParameters ed25519;
    private final ECPublicKeyParameters p256;

    private BouncyCastleVerifier(JWSAlgorithm algorithm, Ed25519PublicKeyParameters ed25519, ECPublicKeyParameters p256) {
        super(algorithm);
        this.ed25519 = ed25519;
        this.p256 = p256;
    }

    static BouncyCastleVerifier ed25519(byte[] publicKey) {
        return new BouncyCastleVerifier(JWSAlgorithm.EdDSA, new Ed25519PublicKeyParameters(publicKey, 0), null);
    }

    static BouncyCastleVerifier p256(BigInteger x, BigInteger y) {
        return new BouncyCastleVerifier(JWSAlgorithm.ES256, null, new ECPublicKeyParameters(
                BouncyCastleEs256Signer.P256.getCurve().validatePoint(x, y), BouncyCastleEs256Signer.P256));
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!algorithm().equals(header.getAlgorithm())) {
            return false;
        }
        byte[] bytes = signature.decode();
        if (ed25519 != null) {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, ed25519);
            verifier.update(signingInput, 0, signingInput.length);
            return bytes.length == Ed25519PublicKeyParameters.KEY_SIZE * 2 && verifier.verifySignature(bytes);
        }
        if (bytes.length != 2 * ES256_COORDINATE_BYTES) {
            return false;
        }
        byte[] hash = BouncyCastleEs256Signer.sha256(signingInput);
        ECDSASigner ecdsa = new ECDSASigner();
        ecdsa.init(false, p256);
        return ecdsa.verifySignature(hash, new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 0, ES256_COORDINATE_BYTES)),
                new BigInteger(1, java.util.Arrays.copyOfRange(bytes, ES256_COORDINATE_BYTES, bytes.length)));
    }
}
