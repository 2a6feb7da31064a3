package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

/**
 * Verifies EdDSA (Ed25519) signatures with the JDK's SunEC provider (Nimbus's own Ed25519 verifier
 * needs Tink, which this server does not ship). Thread-safe.
 */
final class JdkEd25519Verifier implements JWSVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA);
    private static final int SIGNATURE_BYTES = 64;

    private final PublicKey publicKey;
    private final Provider provider;
    private final JCAContext jcaContext = new JCAContext();

    JdkEd25519Verifier(byte[] encodedPublicKey) throws JOSEException {
        this.provider = JdkEd25519.sunEc();
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
            Signature verifier = Signature.getInstance(JdkEd25519.ALGORITHM, provider);
            verifier.initVerify(publicKey);
            verifier.update(signingInput);
            return verifier.verify(bytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
