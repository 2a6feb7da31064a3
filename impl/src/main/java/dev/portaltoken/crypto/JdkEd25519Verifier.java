package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Verifies EdDSA (Ed25519) signatures with the JDK's SunEC provider (Nimbus's own Ed25519 verifier
 * needs Tink, which this server does not ship). Thread-safe.
 */
final class JdkEd25519Verifier extends SingleAlgorithm implements JWSVerifier {
    private static final int SIGNATURE_BYTES = 64;

    private final PublicKey publicKey;

    JdkEd25519Verifier(byte[] encodedPublicKey) throws JOSEException {
        super(JWSAlgorithm.EdDSA);
        this.publicKey = JdkEd25519.publicKey(encodedPublicKey);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            return false;
        }
        byte[] bytes = signature.decode();
        if (bytes.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(JdkEd25519.ALGORITHM, JdkEd25519.sunEc());
            verifier.initVerify(publicKey);
            verifier.update(signingInput);
            return verifier.verify(bytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
