package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.slf4j.LoggerFactory;

/**
 * Creates signing keys, and Nimbus signers and verifiers for them, for the asymmetric algorithms a
 * stored key may have: EdDSA (Ed25519) and ES256 (P-256), and chooses the implementation that signs
 * ({@link #select}). The only public door into this package, so that the benchmarks measure exactly
 * what the server runs. Signers and verifiers are thread-safe: build one per key and share it.
 */
public final class Signers {
    /** The algorithms of stored (asymmetric) keys. */
    public static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.ES256);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.Base64.Encoder BASE64URL = java.util.Base64.getUrlEncoder().withoutPadding();

    private Signers() {
    }

    /**
     * The implementation to sign with: {@code forced} if given, else AWS-LC where it loads and passes
     * its self-tests, else BouncyCastle (said in one INFO line). AWS-LC is loaded at most once per JVM,
     * and only when it may be chosen.
     *
     * @throws IllegalStateException (one line, for the start-up error) when AWS-LC is forced but
     *                               cannot be used here
     */
    public static SignerProvider select(Optional<SignerProvider> forced) {
        if (forced.isPresent() && forced.get() != SignerProvider.AWS_LC) {
            return forced.get();
        }
        AwsLc.Status awsLc = AwsLc.status();
        return select(forced, awsLc.provider().isPresent() ? Optional.empty() : Optional.of(awsLc.description()),
                LoggerFactory.getLogger(Signers.class)::info);
    }

    /** {@link #select(Optional)} given why AWS-LC is unavailable (empty: it is available). */
    static SignerProvider select(Optional<SignerProvider> forced, Optional<String> awsLcProblem, Consumer<String> info) {
        if (forced.isPresent()) {
            if (forced.get() == SignerProvider.AWS_LC && awsLcProblem.isPresent()) {
                throw new IllegalStateException("PORTAL_SIGNER=aws-lc, but AWS-LC cannot be used here: "
                        + awsLcProblem.get());
            }
            return forced.get();
        }
        if (awsLcProblem.isEmpty()) {
            return SignerProvider.AWS_LC;
        }
        info.accept("signing with BouncyCastle: AWS-LC cannot be used here (" + awsLcProblem.get() + ")");
        return SignerProvider.BOUNCYCASTLE;
    }

    /** What signs for {@code provider}, e.g. {@code AWS-LC 1.47.0 through Amazon Corretto Crypto Provider 2.5.0}. */
    public static String describe(SignerProvider provider) {
        return switch (provider) {
            case AWS_LC -> AwsLc.status().description();
            case BOUNCYCASTLE -> "BouncyCastle, pure Java";
            case JDK -> "the JDK's SunEC provider";
        };
    }

    /**
     * A new private key as a JWK with {@code alg}, {@code use: sig} and the RFC 7638 thumbprint as
     * {@code kid}.
     *
     * @throws IllegalArgumentException for an algorithm outside {@link #ASYMMETRIC}
     */
    public static JWK generate(JWSAlgorithm algorithm) {
        try {
            if (JWSAlgorithm.EdDSA.equals(algorithm)) {
                Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
                return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded()))
                        .d(Base64URL.encode(key.getEncoded()))
                        .algorithm(JWSAlgorithm.EdDSA)
                        .keyUse(KeyUse.SIGNATURE)
                        .keyIDFromThumbprint()
                        .build();
            }
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256)
                        .algorithm(JWSAlgorithm.ES256)
                        .keyUse(KeyUse.SIGNATURE)
                        .keyIDFromThumbprint(true)
                        .secureRandom(RANDOM)
                        .generate();
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
        throw new IllegalArgumentException("unsupported signing algorithm " + algorithm);
    }

    /**
     * A signer for a private key made by {@link #generate}.
     *
     * @throws JOSEException when the key is not a private Ed25519 or P-256 key of its {@code alg}
     */
    public static JWSSigner signer(JWK privateKey, SignerProvider provider) throws JOSEException {
        if (!privateKey.isPrivate()) {
            throw new JOSEException("not a private key");
        }
        JWSAlgorithm algorithm = algorithmOf(privateKey);
        if (provider == SignerProvider.AWS_LC) {
            Provider awsLc = AwsLc.status().provider()
                    .orElseThrow(() -> new JOSEException("AWS-LC cannot be used here: " + AwsLc.status().description()));
            return JWSAlgorithm.EdDSA.equals(algorithm)
                    ? new AwsLcSigner(algorithm, AwsLc.ED25519,
                            JdkEd25519.privateKey(((OctetKeyPair) privateKey).getDecodedD()), awsLc)
                    : new AwsLcSigner(algorithm, AwsLc.ES256, ((ECKey) privateKey).toECPrivateKey(), awsLc);
        }
        if (JWSAlgorithm.EdDSA.equals(algorithm)) {
            byte[] seed = ((OctetKeyPair) privateKey).getDecodedD();
            return provider == SignerProvider.JDK ? new JdkEd25519Signer(seed) : new BouncyCastleEd25519Signer(seed);
        }
        ECKey ec = (ECKey) privateKey;
        if (provider == SignerProvider.JDK) {
            ECDSASigner signer = new ECDSASigner(ec);
            signer.getJCAContext().setProvider(JdkEd25519.sunEc());
            return signer;
        }
        return new BouncyCastleEs256Signer(ec.getD().decodeToBigInteger());
    }

    /**
     * A verifier for the public half of a key of {@link #ASYMMETRIC}, computed by the JDK (an
     * implementation independent of the fast signers).
     *
     * @throws JOSEException when the key is not an Ed25519 or P-256 key of its {@code alg}
     */
    public static JWSVerifier verifier(JWK publicKey) throws JOSEException {
        JWSAlgorithm algorithm = algorithmOf(publicKey);
        if (JWSAlgorithm.EdDSA.equals(algorithm)) {
            return new JdkEd25519Verifier(((OctetKeyPair) publicKey).getDecodedX());
        }
        ECDSAVerifier verifier = new ECDSAVerifier(((ECKey) publicKey).toPublicJWK());
        verifier.getJCAContext().setProvider(JdkEd25519.sunEc());
        return verifier;
    }

    /**
     * A verifier for the public half of a key of {@link #ASYMMETRIC} as fast as the signers
     * (BouncyCastle), for the server checking tokens it minted.
     *
     * @throws JOSEException when the key is not an Ed25519 or P-256 key of its {@code alg}
     */
    public static JWSVerifier fastVerifier(JWK publicKey) throws JOSEException {
        if (JWSAlgorithm.EdDSA.equals(algorithmOf(publicKey))) {
            return BouncyCastleVerifier.ed25519(((OctetKeyPair) publicKey).getDecodedX());
        }
        ECKey ec = (ECKey) publicKey;
        try {
            return BouncyCastleVerifier.p256(ec.getX().decodeToBigInteger(), ec.getY().decodeToBigInteger());
        } catch (IllegalArgumentException e) {
            throw new JOSEException("not a point on P-256");
        }
    }

    /**
     * A signature, base64url-encoded by the JDK's codec: Nimbus's own is constant-time, which public
     * bytes do not need, and several times slower.
     */
    static Base64URL base64Url(byte[] signature) {
        return new Base64URL(BASE64URL.encodeToString(signature));
    }

    /** The key's algorithm, checked against its type and curve. */
    public static JWSAlgorithm algorithmOf(JWK key) throws JOSEException {
        if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())
                && (key.getAlgorithm() == null || JWSAlgorithm.EdDSA.equals(key.getAlgorithm()))) {
            return JWSAlgorithm.EdDSA;
        }
        if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())
                && (key.getAlgorithm() == null || JWSAlgorithm.ES256.equals(key.getAlgorithm()))) {
            return JWSAlgorithm.ES256;
        }
        throw new JOSEException("not an Ed25519 (EdDSA) or P-256 (ES256) key");
    }
}
