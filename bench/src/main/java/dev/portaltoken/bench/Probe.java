package dev.portaltoken.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.crypto.Signers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to a server under test the way a portal would: mints a token with the probe's API key
 * and checks it (a JWS of the expected algorithm, whose signature verifies with the key of its
 * {@code kid} in the served JWKS, or with the shared secret for HS256, and whose claims name the
 * probe's customer, the audience and the default lifetime). Never prints a key or a token.
 */
final class Probe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIGNER_INFO = Pattern.compile("portal_signer_info\\{alg=\"([^\"]+)\",signer=\"([^\"]+)\"}");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String apiKey;
    private final String customer;

    Probe(String apiKey, String customer) {
        this.apiKey = apiKey;
        this.customer = customer;
    }

    /** The status of one token request (0 when the server does not answer in time). */
    int mintStatus(URI base) {
        try {
            return send(base, mintRequest(base)).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Mints a token and checks it.
     *
     * @param sharedSecret the HS256 secret, for {@code hs256}
     * @throws IllegalStateException saying what is wrong with the answer
     */
    void checkToken(URI base, String algorithm, String sharedSecret) throws Exception {
        HttpResponse<String> answer = send(base, mintRequest(base));
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the token endpoint answered " + answer.statusCode());
        }
        JsonNode body = JSON.readTree(answer.body());
        if (!body.path("portal_url").isTextual() || !body.path("token").isTextual()) {
            throw new IllegalStateException("the token answer lacks portal_url or token");
        }
        SignedJWT jwt = SignedJWT.parse(body.get("token").asText());
        JWSAlgorithm expected = JWSAlgorithm.parse(algorithm.toUpperCase(Locale.ROOT).replace("EDDSA", "EdDSA"));
        if (!expected.equals(jwt.getHeader().getAlgorithm())) {
            throw new IllegalStateException("the token is " + jwt.getHeader().getAlgorithm() + ", not " + expected);
        }
        JWSVerifier verifier;
        if (JWSAlgorithm.HS256.equals(expected)) {
            verifier = new MACVerifier(sharedSecret.getBytes(StandardCharsets.UTF_8));
        } else {
            String jwks = send(base, HttpRequest.newBuilder(base.resolve("/.well-known/jwks.json")).build()).body();
            JWK key = Optional.ofNullable(JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID()))
                    .orElseThrow(() -> new IllegalStateException("the token's kid is not in the JWKS"));
            verifier = Signers.verifier(key);
        }
        if (!jwt.verify(verifier)) {
            throw new IllegalStateException("the token's signature does not verify");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        if (!customer.equals(claims.getSubject()) || !List.of("customer-portal").equals(claims.getAudience())
                || claims.getExpirationTime().getTime() - claims.getIssueTime().getTime() != 86_400_000L
                || claims.getStringClaim("tenant_id") == null) {
            throw new IllegalStateException("the token's claims are not those of the probe's customer");
        }
    }

    /** The signer {@code /metrics} reports ({@code portal_signer_info}), e.g. {@code aws-lc}; "-" without one. */
    String signer(URI base) throws IOException {
        Matcher m = SIGNER_INFO.matcher(send(base, HttpRequest.newBuilder(base.resolve("/metrics")).build()).body());
        return m.find() ? m.group(2) : "-";
    }

    /**
     * Totals of the server's connection pool so far ({@code hikaricp_connections_usage|acquire_seconds}),
     * and of its customer lookups read from the database and the queries they made
     * ({@code portal_customer_lookups_total{source="database"}}, {@code portal_customer_queries_total}).
     */
    record Pool(long uses, double useSeconds, long acquires, double waitSeconds, long lookups, long queries) {
    }

    Pool pool(URI base) throws IOException {
        String metrics = send(base, HttpRequest.newBuilder(base.resolve("/metrics")).build()).body();
        return new Pool((long) metric(metrics, "hikaricp_connections_usage_seconds_count", ""),
                metric(metrics, "hikaricp_connections_usage_seconds_sum", ""),
                (long) metric(metrics, "hikaricp_connections_acquire_seconds_count", ""),
                metric(metrics, "hikaricp_connections_acquire_seconds_sum", ""),
                (long) metric(metrics, "portal_customer_lookups_total", "source=\"database\""),
                (long) metric(metrics, "portal_customer_queries_total", ""));
    }

    /** The first sample of {@code name} whose labels contain {@code label}; 0 without one. */
    private static double metric(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{([^}]*)})? (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (label.isEmpty() || m.group(1) != null && m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private HttpRequest mintRequest(URI base) {
        return HttpRequest.newBuilder(base.resolve("/api/v1/customers/" + customer + "/portal-token"))
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private HttpResponse<String> send(URI base, HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
