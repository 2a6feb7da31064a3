package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;

/**
 * EdDSA (Ed25519) or ES256 (P-256, the signature in the JWS form R || S) for Nimbus through AWS-LC.
 *
 * <p>Thread-safe: a JCA {@link Signature} is not, so each thread signs with its own, initialised
 * with the key once and reused (it resets itself after every signature). Reuse doubles the
 * signatures per second over a new {@code Signature} per token: AWS-LC's key set-up costs as much
 * as the signature itself. A server thread keeps one per key; those of replaced keys are collected
 * with the signer.
 */
final class AwsLcSigner extends SingleAlgorithm implements JWSSigner {
    private final ThreadLocal<Signature> signatures;

    /**
     * @param jcaAlgorithm {@link AwsLc#ED25519} or {@link AwsLc#ES256}
     * @throws JOSEException when the provider refuses the key
     */
    AwsLcSigner(JWSAlgorithm algorithm, String jcaAlgorithm, PrivateKey key, Provider provider) throws JOSEException {
        super(algorithm);
        initialised(jcaAlgorithm, key, provider); // refuses a bad key now rather than at the first token
        getJCAContext().setProvider(provider);
        this.signatures = ThreadLocal.withInitial(() -> {
            try {
                return initialised(jcaAlgorithm, key, provider);
            } catch (JOSEException e) {
                throw new IllegalStateException(e.getMessage(), e); // it took the same key once already
            }
        });
    }

    private static Signature initialised(String jcaAlgorithm, PrivateKey key, Provider provider) throws JOSEException {
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm, provider);
            signature.initSign(key);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("AWS-LC refuses the " + jcaAlgorithm + " key: " + e.getMessage(), e);
        }
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        requireAlgorithmOf(header);
        Signature signature = signatures.get();
        try {
            signature.update(signingInput);
            return Signers.base64Url(signature.sign());
        } catch (GeneralSecurityException | RuntimeException e) {
            signatures.remove(); // never reuse one left in an unknown state
            throw new JOSEException(algorithm() + " signing failed", e);
        }
    }
}
