package dev.portaltoken.bench;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The HTTP stack's own ceiling: one Jersey resource on Grizzly, the same versions as the server
 * (it runs on the server's jar), answering {@code GET /healthz} with a constant JSON body, with no
 * filter, no log, no metric and no serialiser. Started by the driver as a process of its own, in
 * the same rounds as the server's {@code /healthz} and token endpoint.
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
        private static final byte[] BODY = "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public byte[] get() {
            return BODY;
        }
    }

    public static void main(String[] args) throws Exception {
        ResourceConfig application = new ResourceConfig().register(Health.class);
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
