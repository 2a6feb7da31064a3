package dev.portaltoken.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The HTTP stack's own ceiling: Jersey resources on Grizzly, the same versions as the server (it runs
 * on the server's jar), with no filter, no log, no metric and no serialiser. {@code GET /healthz}
 * answers a constant JSON body. {@code POST /sign/eddsa} and {@code POST /sign/es256} answer a JSON
 * body holding a compact JWS whose claims differ in every request, signed by AWS-LC through {@link
 * Signers} as the server signs: the stack's ceiling for a token endpoint, which no token pipeline on
 * this stack and machine can beat. Started by the driver as a process of its own, in the same rounds
 * as the server's {@code /healthz} and token endpoint.
 *
 * <pre>java -cp impl/target/portal-token-server.jar:bench/target/portal-token-bench.jar dev.portaltoken.bench.BareServer</pre>
 *
 * Prints {@code listening on http://127.0.0.1:PORT/} and serves until killed.
 */
public final class BareServer {
    private BareServer() {
    }

    /** The resource: a constant, pre-encoded body. */
    @Path("/healthz")
    public static final class Health {
        private static final byte[] BODY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public byte[] get() {
            return BODY;
        }
    }

    /**
     * A signature per request over claims the size of a portal token's. Thread-safe: the signers are
     * (each thread signs with its own JCA instance).
     */
    @Path("/sign/{algorithm}")
    public static final class Sign {
        private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
        /** Fixed, as a customer's are; only the jti changes per request, drawn without SecureRandom's lock. */
        private static final UUID SUBJECT = UUID.randomUUID();
        private static final UUID TENANT = UUID.randomUUID();
        private final Map<String, Signing> signers;

        /** One algorithm's key: its signer and its header, encoded once. */
        private record Signing(JWSSigner signer, JWSHeader header, String encodedHeader) {
        }

        Sign() throws JOSEException {
            signers = Map.of("eddsa", signing(JWSAlgorithm.EdDSA), "es256", signing(JWSAlgorithm.ES256));
        }

        private static Signing signing(JWSAlgorithm algorithm) throws JOSEException {
            JWSHeader header = new JWSHeader.Builder(algorithm).keyID(UUID.randomUUID().toString()).build();
            return new Signing(Signers.signer(Signers.generate(algorithm), SignerProvider.AWS_LC), header,
                    header.toBase64URL().toString());
        }

        @POST
        @Produces(MediaType.APPLICATION_JSON)
        public byte[] sign(@PathParam("algorithm") String algorithm) throws JOSEException {
            Signing signing = signers.get(algorithm);
            long now = System.currentTimeMillis() / 1000;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String claims = "{\"iss\":\"portal-token-server\",\"sub\":\"" + SUBJECT + "\",\"tenant_id\":\"" + TENANT
                    + "\",\"aud\":\"portal\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\""
                    + new UUID(random.nextLong(), random.nextLong()) + "\",\"scope\":\"invoices:read payment_methods:write\"}";
            String input = signing.encodedHeader() + "." + BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            String jws = input + "." + signing.signer().sign(signing.header(), input.getBytes(StandardCharsets.US_ASCII));
            return ("{\"token\":\"" + jws + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) throws Exception {
        ResourceConfig application = new ResourceConfig().register(Health.class).register(new Sign());
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), application, false);
        for (NetworkListener listener : http.getListeners()) {
            listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                    .setPoolName("http-worker").setCorePoolSize(Plan.BARE_WORKERS).setMaxPoolSize(Plan.BARE_WORKERS));
        }
        http.start();
        System.out.println("listening on http://127.0.0.1:" + http.getListeners().iterator().next().getPort() + "/");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
