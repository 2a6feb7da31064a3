package dev.portaltoken.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * Signatures per second, on one thread, for every algorithm and implementation the server can
 * sign portal tokens with, over the signing input of a real portal token. The signers come from
 * the server's own factory, built once as the server builds them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SigningBenchmark {
    /** Algorithm and implementation ({@code PORTAL_TOKEN_ALG} and {@code PORTAL_SIGNER}). */
    @Param({"EdDSA-aws-lc", "EdDSA-bouncycastle", "EdDSA-jdk", "ES256-aws-lc", "ES256-bouncycastle", "ES256-jdk", "HS256"})
    public String signer;

    private JWSSigner jwsSigner;
    private JWSHeader header;
    private byte[] signingInput;

    @Setup
    public void setUp() throws JOSEException {
        String[] parts = signer.split("-", 2);
        JWSAlgorithm algorithm = JWSAlgorithm.parse(parts[0]);
        String kid;
        if (JWSAlgorithm.HS256.equals(algorithm)) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            jwsSigner = new MACSigner(secret);
            kid = "hs256-benchmark";
        } else {
            JWK key = Signers.generate(algorithm);
            jwsSigner = Signers.signer(key, SignerProvider.parse(parts[1]).orElseThrow());
            kid = key.getKeyID();
        }
        header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build();
        long now = System.currentTimeMillis();
        UUID customer = UUID.randomUUID();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("portal-token-server").audience("customer-portal").subject("cus_2XIMCHBKXFNCMpYJp2dS9M")
                .issueTime(new Date(now)).expirationTime(new Date(now + 86_400_000L)).jwtID(UUID.randomUUID().toString())
                .claim("tenant_id", UUID.randomUUID().toString()).claim("resource", Map.of("Customer", customer.toString()))
                .build();
        signingInput = new SignedJWT(header, claims).getSigningInput();
        if (signingInput.length == 0 || !new String(signingInput, StandardCharsets.US_ASCII).contains(".")) {
            throw new IllegalStateException("no signing input");
        }
    }

    @Benchmark
    public Base64URL sign() throws JOSEException {
        return jwsSigner.sign(header, signingInput);
    }
}
