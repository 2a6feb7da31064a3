package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * EdDSA (Ed25519) for Nimbus through BouncyCastle's lightweight API, which is an order of magnitude
 * faster than the JDK's provider. Thread-safe: the key parameters are immutable and signing keeps no
 * state between calls.
 */
final class BouncyCastleEd25519Signer extends SingleAlgorithm implements JWSSigner {

    private final Ed25519PrivateKeyParameters privateKey;
    private final Ed25519PublicKeyParameters publicKey;

    BouncyCastleEd25519Signer(byte[] privateKeySeed) {
        super(JWSAlgorithm.EdDSA);
        this.privateKey = new Ed25519PrivateKeyParameters(privateKeySeed, 0);
        this.publicKey = privateKey.generatePublicKey();
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        requireAlgorithmOf(header);
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        privateKey.sign(Ed25519.Algorithm.Ed25519, publicKey, null, signingInput, 0, signingInput.length,
                signature, 0);
        return Signers.base64Url(signature);
    }
}
