package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * EdDSA (Ed25519) for Nimbus through the JDK's SunEC provider: the fallback to
 * {@link BouncyCastleEd25519Signer}. Thread-safe: the key is immutable and each call gets its own
 * {@link Signature}.
 */
final class JdkEd25519Signer extends SingleAlgorithm implements JWSSigner {

    private final PrivateKey privateKey;

    JdkEd25519Signer(byte[] privateKeySeed) throws JOSEException {
        super(JWSAlgorithm.EdDSA);
        this.privateKey = JdkEd25519.privateKey(privateKeySeed);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        requireAlgorithmOf(header);
        try {
            Signature signature = Signature.getInstance(JdkEd25519.ALGORITHM, JdkEd25519.sunEc());
            signature.initSign(privateKey);
            signature.update(signingInput);
            return Signers.base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed", e);
        }
    }
}
