package dev.portaltoken.server;

import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.http.HttpLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * One listening Grizzly server running a Jersey application, with the {@link HttpLimits}, our HTTP
 * codec, JSON error pages and the shutdown drain. Closing it stops it at once (draining is done
 * before, by the server).
 */
final class HttpListener implements AutoCloseable {
    private final HttpServer http;
    private final URI uri;

    private HttpListener(HttpServer http, URI uri) {
        this.http = http;
        this.uri = uri;
    }

    static HttpListener start(String host, int port, ResourceConfig application, int workers, HttpLimits limits,
                              Drain drain, ErrorRenderer errors) {
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + host + ":" + port + "/"), application, false);
        http.getServerConfiguration().getMonitoringConfig().getWebServerConfig().addProbes(drain);
        http.getServerConfiguration().setMaxPayloadRemainderToSkip(limits.maxUnreadBodyBytes());
        http.getServerConfiguration().setDefaultErrorPageGenerator(new HttpErrorPages(errors));
        for (NetworkListener listener : http.getListeners()) {
            listener.registerAddOn(new HttpCodecAddOn(errors));
            listener.setMaxHttpHeaderSize(limits.maxHeaderBytes());
            listener.getKeepAlive().setIdleTimeoutInSeconds((int) limits.idleTimeout().toSeconds());
            listener.getKeepAlive().setMaxRequestsCount(limits.maxRequestsPerConnection());
            listener.setTransactionTimeout((int) limits.requestTimeout().toSeconds());
            listener.getTransport().setReadTimeout(limits.bodyReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
            listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                    .setPoolName("http-worker").setCorePoolSize(workers).setMaxPoolSize(workers));
        }
        try {
            http.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        return new HttpListener(http, uri(host, http.getListeners().iterator().next().getPort()));
    }

    /** The URL of {@code host:port} usable from this machine ({@code localhost} for a wildcard address). */
    static URI uri(String host, int port) {
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
        return URI.create("http://" + shown + ":" + port + "/");
    }

    /** Where it listens, with a host usable from this machine. */
    URI uri() {
        return uri;
    }

    /** Stops accepting new connections; open ones are still served. */
    void stopAccepting() {
        http.getListeners().forEach(listener -> listener.getTransport().unbindAll());
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    @Override
    public String toString() {
        return "HTTP listener " + uri;
    }
}
