package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Set;

/**
 * EdDSA (Ed25519) for Nimbus through the JDK's SunEC provider: the fallback to
 * {@link BouncyCastleEd25519Signer}. Thread-safe: the key is immutable and each call gets its own
 * {@link Signature}.
 */
final class JdkEd25519Signer implements JWSSigner {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA);

    private final PrivateKey privateKey;
    private final Provider provider;
    private final JCAContext jcaContext = new JCAContext();

    JdkEd25519Signer(byte[] privateKeySeed) throws JOSEException {
        this.provider = JdkEd25519.sunEc();
        this.privateKey = JdkEd25519.privateKey(privateKeySeed);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("unsupported algorithm " + header.getAlgorithm());
        }
        try {
            Signature signature = Signature.getInstance(JdkEd25519.ALGORITHM, provider);
            signature.initSign(privateKey);
            signature.update(signingInput);
            return Signers.base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed", e);
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
