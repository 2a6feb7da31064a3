package dev.portaltoken.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether AWS-LC (through ACCP) should serve more than signing (issue 13, item 2): the other
 * primitives the server uses, each as the server uses it, from the JDK's default providers and from
 * ACCP. {@code sha256ApiKey}: the hash of a presented API key (the verified-key cache key, every
 * request). {@code aesGcmSeal}/{@code aesGcmOpen}: a signing key's JWK sealed with the key
 * encryption key (at key creation and load). {@code secureRandom32}: 32 random bytes (key
 * generation, API-key secrets). {@code ed25519FreshSignature}: what a signer would cost without
 * reusing its initialised {@link Signature} per thread (compare with {@code SigningBenchmark}'s
 * {@code EdDSA-aws-lc}). Setup checks that both providers agree before anything is measured.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CryptoProvidersBenchmark {
    /** {@code jdk}: the JDK's default providers (SUN, SunJCE, SunEC); {@code aws-lc}: ACCP. */
    @Param({"jdk", "aws-lc"})
    public String provider;

    private static final byte[] API_KEY = "pt_live_4fQ2cD9xY7bLm0NwZ3kR8tVpHs1JgA6eU5iOqMnBvCx/2XIMCHBKXFNCMpYJp2dS9M"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] JWK = ("{\"kty\":\"OKP\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"crv\":"
            + "\"Ed25519\",\"kid\":\"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMl"
            + "rwIaaPcHURo\",\"alg\":\"EdDSA\",\"use\":\"sig\"}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k".getBytes(StandardCharsets.UTF_8);

    private Provider digests;
    private Provider ciphers;
    private SecureRandom random;
    private SecretKeySpec key;
    private byte[] nonce;
    private byte[] sealed;
    private PrivateKey ed25519;
    private Provider signatures;

    @Setup
    public void setUp() throws GeneralSecurityException {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        if (accp.getLoadingError() != null) {
            throw new IllegalStateException("ACCP did not load", accp.getLoadingError());
        }
        boolean awsLc = provider.equals("aws-lc");
        digests = awsLc ? accp : MessageDigest.getInstance("SHA-256").getProvider();
        ciphers = awsLc ? accp : Cipher.getInstance("AES/GCM/NoPadding").getProvider();
        signatures = awsLc ? accp : Security.getProvider("SunEC");
        random = awsLc ? SecureRandom.getInstance("LibCryptoRng", accp) : new SecureRandom();
        byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        key = new SecretKeySpec(keyBytes, "AES");
        nonce = new byte[12];
        random.nextBytes(nonce);
        sealed = seal(nonce);
        ed25519 = java.security.KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair().getPrivate();

        // Both providers must compute the same digest and open each other's ciphertexts.
        if (!Arrays.equals(MessageDigest.getInstance("SHA-256", accp).digest(API_KEY),
                MessageDigest.getInstance("SHA-256", "SUN").digest(API_KEY))) {
            throw new IllegalStateException("SHA-256 differs between ACCP and the JDK");
        }
        Cipher other = Cipher.getInstance("AES/GCM/NoPadding", awsLc ? Security.getProvider("SunJCE") : accp);
        other.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        other.updateAAD(AAD);
        if (!Arrays.equals(JWK, other.doFinal(sealed))) {
            throw new IllegalStateException("AES-GCM differs between ACCP and the JDK");
        }
    }

    @Benchmark
    public byte[] sha256ApiKey() throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256", digests).digest(API_KEY);
    }

    /** As the server seals: a fresh random nonce every time. */
    @Benchmark
    public byte[] aesGcmSeal() throws GeneralSecurityException {
        byte[] fresh = new byte[12];
        random.nextBytes(fresh);
        return seal(fresh);
    }

    private byte[] seal(byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", ciphers);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(AAD);
        return cipher.doFinal(JWK);
    }

    @Benchmark
    public byte[] aesGcmOpen() throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", ciphers);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(AAD);
        return cipher.doFinal(sealed);
    }

    @Benchmark
    public byte[] secureRandom32() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    @Benchmark
    public byte[] ed25519FreshSignature() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("Ed25519", signatures);
        signature.initSign(ed25519);
        signature.update(API_KEY);
        return signature.sign();
    }
}
