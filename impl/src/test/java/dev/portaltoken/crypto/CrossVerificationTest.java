package dev.portaltoken.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.EcdsaVerifyJce;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.crypto.tink.subtle.EllipticCurves;
import com.google.crypto.tink.subtle.Enums;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every signer's signatures verify under every other implementation: BouncyCastle, the JDK's SunEC,
 * AWS-LC, and Tink as the independent one. Each is called directly here, not through the server's
 * code, and each also refuses a signature over other bytes.
 */
class CrossVerificationTest {
    private static final byte[] INPUT = ("eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0"
            + ".eyJzdWIiOiJjdXNfMlhJTUNIQktYRk5DTXBZSnAyZFM5TSIsImV4cCI6MTc5NTkzNDUwNn0").getBytes(StandardCharsets.US_ASCII);
    private static final String[] VERIFIERS = {"bouncycastle", "jdk", "aws-lc", "tink"};

    @Test
    void awsLcLoadsAndPassesItsSelfTestsOnLinuxX8664() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "the bundled native library is for Linux x86-64");
        AwsLc.Status status = AwsLc.status();
        assertTrue(status.provider().isPresent(), status::description);
        assertTrue(status.description().startsWith("AWS-LC "), status.description());
        assertEquals(SignerProvider.AWS_LC, Signers.select(java.util.Optional.empty()), "the default where it loads");
        assertFalse(Arrays.asList(Security.getProviders()).contains(status.provider().get()),
                "used by name only, never installed JVM-wide");
    }

    @ParameterizedTest(name = "{0} signed by {1}")
    @CsvSource({"EdDSA, AWS_LC", "EdDSA, BOUNCYCASTLE", "EdDSA, JDK", "ES256, AWS_LC", "ES256, BOUNCYCASTLE", "ES256, JDK"})
    void everySignatureVerifiesUnderEveryImplementation(String alg, SignerProvider signer) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        JWK key = Signers.generate(algorithm);
        byte[] signature = Signers.signer(key, signer).sign(new JWSHeader(algorithm), INPUT).decode();
        byte[] other = Arrays.copyOf(INPUT, INPUT.length + 1);
        for (String verifier : VERIFIERS) {
            assertTrue(verifies(verifier, key.toPublicJWK(), INPUT, signature), verifier + " verifies it");
            assertFalse(verifies(verifier, key.toPublicJWK(), other, signature), verifier + " refuses other bytes");
        }
    }

    private static boolean verifies(String implementation, JWK key, byte[] input, byte[] signature) throws Exception {
        if (key instanceof OctetKeyPair okp) {
            byte[] x = okp.getDecodedX();
            return switch (implementation) {
                case "bouncycastle" -> new Ed25519PublicKeyParameters(x, 0)
                        .verify(Ed25519.Algorithm.Ed25519, null, input, 0, input.length, signature, 0);
                case "jdk" -> jca("Ed25519", Security.getProvider("SunEC"), JdkEd25519.publicKey(x), input, signature);
                case "aws-lc" -> jca("Ed25519", awsLc(), JdkEd25519.publicKey(x), input, signature);
                case "tink" -> tink(() -> new Ed25519Verify(x).verify(signature, input));
                default -> throw new IllegalArgumentException(implementation);
            };
        }
        ECKey ec = (ECKey) key;
        java.security.interfaces.ECPublicKey publicKey = ec.toECPublicKey();
        return switch (implementation) {
            case "bouncycastle" -> bouncyCastleEs256(ec, input, signature);
            case "jdk" -> jca(AwsLc.ES256, Security.getProvider("SunEC"), publicKey, input, signature);
            case "aws-lc" -> jca(AwsLc.ES256, awsLc(), publicKey, input, signature);
            case "tink" -> tink(() -> new EcdsaVerifyJce(publicKey, Enums.HashType.SHA256,
                    EllipticCurves.EcdsaEncoding.IEEE_P1363).verify(signature, input));
            default -> throw new IllegalArgumentException(implementation);
        };
    }

    private static Provider awsLc() {
        return AwsLc.status().provider().orElseThrow(() -> new AssertionError(AwsLc.status().description()));
    }

    private static boolean jca(String algorithm, Provider provider, PublicKey key, byte[] input, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(algorithm, provider);
        verifier.initVerify(key);
        verifier.update(input);
        return verifier.verify(signature);
    }

    private static boolean bouncyCastleEs256(ECKey key, byte[] input, byte[] signature) throws Exception {
        ECDSASigner ecdsa = new ECDSASigner();
        ecdsa.init(false, new ECPublicKeyParameters(BouncyCastleEs256Signer.P256.getCurve().createPoint(
                key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger()), BouncyCastleEs256Signer.P256));
        return ecdsa.verifySignature(MessageDigest.getInstance("SHA-256").digest(input),
                new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)), new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)));
    }

    private interface TinkCheck {
        void run() throws GeneralSecurityException;
    }

    private static boolean tink(TinkCheck check) {
        try {
            check.run();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
