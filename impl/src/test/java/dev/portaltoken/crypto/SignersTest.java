package dev.portaltoken.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every algorithm x implementation signs what independent verifiers (Nimbus's Tink-backed Ed25519,
 * the JDK's ECDSA) accept, and matches the RFC test vectors where signatures are deterministic.
 */
class SignersTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] INPUT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJjdXNfMSJ9".getBytes(StandardCharsets.US_ASCII);

    private static JWSHeader header(JWSAlgorithm algorithm) {
        return new JWSHeader.Builder(algorithm).build();
    }

    /** Nimbus's own verifier for the key, not ours. */
    private static JWSVerifier independentVerifier(JWK key) throws JOSEException {
        return key instanceof ECKey ec ? new ECDSAVerifier(ec.toPublicJWK())
                : new Ed25519Verifier(((OctetKeyPair) key).toPublicJWK());
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"EdDSA, AWS_LC", "EdDSA, BOUNCYCASTLE", "EdDSA, JDK", "ES256, AWS_LC", "ES256, BOUNCYCASTLE", "ES256, JDK"})
    void signaturesVerifyIndependentlyAndTamperingIsDetected(String alg, SignerProvider provider) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        JWK key = Signers.generate(algorithm);
        assertEquals(algorithm, key.getAlgorithm());
        assertEquals(KeyUse.SIGNATURE, key.getKeyUse());
        assertEquals(key.computeThumbprint().toString(), key.getKeyID(), "the kid is the RFC 7638 thumbprint");
        assertEquals(algorithm, Signers.algorithmOf(key));

        JWSSigner signer = Signers.signer(key, provider);
        Base64URL signature = signer.sign(header(algorithm), INPUT);
        assertEquals(64, signature.decode().length, "JWS signatures are 64 raw bytes for both algorithms");
        assertTrue(independentVerifier(key).verify(header(algorithm), INPUT, signature));
        assertTrue(Signers.verifier(key.toPublicJWK()).verify(header(algorithm), INPUT, signature));

        byte[] tampered = INPUT.clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(independentVerifier(key).verify(header(algorithm), tampered, signature));
        assertFalse(Signers.verifier(key.toPublicJWK()).verify(header(algorithm), tampered, signature));
        JWK other = Signers.generate(algorithm);
        assertFalse(Signers.verifier(other.toPublicJWK()).verify(header(algorithm), INPUT, signature),
                "another key's verifier refuses it");
    }

    @ParameterizedTest(name = "RFC 8032 test {0} with {1}")
    @CsvSource({
            "1, AWS_LC, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                    + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
                    + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            "1, BOUNCYCASTLE, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                    + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
                    + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            "1, JDK, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                    + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
                    + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            "2, AWS_LC, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                    + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
                    + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            "2, BOUNCYCASTLE, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                    + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
                    + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            "2, JDK, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                    + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
                    + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"})
    void ed25519MatchesRfc8032(int test, SignerProvider provider, String secret, String publicKey, String message,
                               String expected) throws Exception {
        OctetKeyPair key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(HEX.parseHex(publicKey)))
                .d(Base64URL.encode(HEX.parseHex(secret))).build();
        byte[] input = HEX.parseHex(message);
        Base64URL signature = Signers.signer(key, provider).sign(header(JWSAlgorithm.EdDSA), input);
        assertEquals(expected, HEX.formatHex(signature.decode()), "test " + test);
        assertTrue(Signers.verifier(key.toPublicJWK()).verify(header(JWSAlgorithm.EdDSA), input, signature));
    }

    @ParameterizedTest(name = "RFC 6979 A.2.5, message \"{0}\"")
    @CsvSource({
            "sample, efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716,"
                    + " f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
            "test, f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367,"
                    + " 019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"})
    void bouncyCastleEs256UsesDeterministicNoncesPerRfc6979(String message, String r, String s) throws Exception {
        ECKey key = new ECKey.Builder(Curve.P_256,
                Base64URL.encode(HEX.parseHex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6")),
                Base64URL.encode(HEX.parseHex("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")))
                .d(Base64URL.encode(HEX.parseHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")))
                .build();
        byte[] input = message.getBytes(StandardCharsets.US_ASCII);
        JWSSigner signer = Signers.signer(key, SignerProvider.BOUNCYCASTLE);
        Base64URL signature = signer.sign(header(JWSAlgorithm.ES256), input);
        assertEquals(r + s, HEX.formatHex(signature.decode()));
        assertEquals(signature, signer.sign(header(JWSAlgorithm.ES256), input), "deterministic");
        assertTrue(new ECDSAVerifier(key.toPublicJWK()).verify(header(JWSAlgorithm.ES256), input, signature));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SignerProvider.class, names = {"AWS_LC", "JDK"})
    void theNativeAndJdkEs256SignersDrawFreshNonces(SignerProvider provider) throws Exception {
        JWK key = Signers.generate(JWSAlgorithm.ES256);
        JWSSigner signer = Signers.signer(key, provider);
        assertNotEquals(signer.sign(header(JWSAlgorithm.ES256), INPUT), signer.sign(header(JWSAlgorithm.ES256), INPUT));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"EdDSA, AWS_LC", "EdDSA, BOUNCYCASTLE", "EdDSA, JDK", "ES256, AWS_LC", "ES256, BOUNCYCASTLE", "ES256, JDK"})
    void oneSignerIsSafeToShareBetweenThreads(String alg, SignerProvider provider) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        JWK key = Signers.generate(algorithm);
        JWSSigner signer = Signers.signer(key, provider);
        JWSVerifier verifier = independentVerifier(key);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        byte[] input = ("thread " + thread + " token " + i).getBytes(StandardCharsets.US_ASCII);
                        if (!verifier.verify(header(algorithm), input, signer.sign(header(algorithm), input))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(), "every concurrently made signature verifies");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void signersRefuseAnotherAlgorithmInTheHeader() throws Exception {
        for (SignerProvider provider : SignerProvider.values()) {
            JWSSigner ed = Signers.signer(Signers.generate(JWSAlgorithm.EdDSA), provider);
            JWSSigner ec = Signers.signer(Signers.generate(JWSAlgorithm.ES256), provider);
            assertThrows(JOSEException.class, () -> ed.sign(header(JWSAlgorithm.ES256), INPUT));
            assertThrows(JOSEException.class, () -> ec.sign(header(JWSAlgorithm.EdDSA), INPUT));
        }
    }

    @Test
    void unsupportedKeysAreRefused() throws Exception {
        assertThrows(JOSEException.class, () -> Signers.signer(Signers.generate(JWSAlgorithm.EdDSA).toPublicJWK(),
                SignerProvider.BOUNCYCASTLE), "a public key cannot sign");
        assertThrows(JOSEException.class, () -> Signers.algorithmOf(new ECKeyGenerator(Curve.P_384).generate()));
        assertThrows(JOSEException.class, () -> Signers.algorithmOf(new RSAKeyGenerator(2048).generate()));
        JWK mislabelled = new ECKey.Builder((ECKey) Signers.generate(JWSAlgorithm.ES256)).algorithm(JWSAlgorithm.ES384).build();
        assertThrows(JOSEException.class, () -> Signers.verifier(mislabelled));
        assertThrows(IllegalArgumentException.class, () -> Signers.generate(JWSAlgorithm.HS256));
    }

    @Test
    void theJdkEd25519VerifierRefusesMalformedSignatures() throws Exception {
        JWK key = Signers.generate(JWSAlgorithm.EdDSA);
        JWSVerifier verifier = Signers.verifier(key.toPublicJWK());
        Base64URL signature = Signers.signer(key, SignerProvider.BOUNCYCASTLE).sign(header(JWSAlgorithm.EdDSA), INPUT);
        byte[] truncated = new byte[63];
        System.arraycopy(signature.decode(), 0, truncated, 0, 63);
        assertFalse(verifier.verify(header(JWSAlgorithm.EdDSA), INPUT, Base64URL.encode(truncated)));
        assertFalse(verifier.verify(header(JWSAlgorithm.ES256), INPUT, signature), "another alg in the header");
    }
}
