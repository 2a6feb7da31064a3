package dev.portaltoken.server;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Setting;
import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.http.HttpLimits;
import dev.portaltoken.metrics.Metrics;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * One listening Grizzly server running a Jersey application, with the {@link HttpLimits}, our HTTP
 * codec, JSON error pages and the shutdown drain; requests answered from memory run on the selector
 * thread that read them, the others on {@code workers} request threads ({@link RequestDispatch}). It
 * binds first and serves once given its application, so what depends on the bound port (a port 0
 * becomes a free one) can be built between the two. Closing it stops it at once (draining is done
 * before, by the server).
 */
final class HttpListener implements AutoCloseable {
    private final HttpServer http;
    private final URI uri;

    private HttpListener(HttpServer http, URI uri) {
        this.http = http;
        this.uri = uri;
    }

    /** Binds and serves {@code application} at once (see {@link #serve}). */
    static HttpListener start(String host, int port, ResourceConfig application, Predicate<Request> fromMemory,
                              Metrics metrics, int workers, HttpLimits limits, Drain drain, ErrorRenderer errors) {
        HttpListener listener = bind(host, port, workers, limits, drain, errors);
        listener.serve(application, fromMemory, metrics);
        return listener;
    }

    /**
     * Binds the port (0: a free one, known from {@link #uri()} from now on) but serves nothing yet:
     * the listener is paused, so connections made meanwhile wait, unanswered, until {@link #serve}.
     */
    static HttpListener bind(String host, int port, int workers, HttpLimits limits, Drain drain, ErrorRenderer errors) {
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + host + ":" + port + "/"), false);
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
            listener.getTransport().setIOStrategy(SameThreadIOStrategy.getInstance()); // first: it drops the pool's config
            listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                    .setPoolName("http-worker").setCorePoolSize(workers).setMaxPoolSize(workers));
        }
        try {
            http.start();
        } catch (IOException e) {
            throw cannotListen(host, port, e, "--port and PORT for the API, --management-port and MANAGEMENT_PORT");
        }
        http.getListeners().forEach(NetworkListener::pause);
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
        int bound = http.getListeners().iterator().next().getPort();
        try {
            return new HttpListener(http, new URI("http", null, shown, bound, "/", null, null));
        } catch (URISyntaxException e) {
            http.shutdownNow();
            throw new IllegalArgumentException("not a usable host: " + host, e);
        }
    }

    /**
     * Checks, before anything is created, that {@code port} of {@code host} can be listened on, by
     * binding it (as Grizzly will: with {@code SO_REUSEADDR}) and closing it again at once. Port 0
     * (any free port) always can.
     *
     * @param setting the setting that chose the port, named in the error with its flag and variable
     * @throws ConfigException saying why not and how to choose another port
     */
    static void checkAvailable(String host, int port, Setting<Integer> setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw cannotListen(host, port, e, setting.flagName() + " N or " + setting.env() + "=N");
        }
    }

    private static ConfigException cannotListen(String host, int port, IOException e, String choose) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof BindException && why.toLowerCase(Locale.ROOT).contains("in use")) {
            return new ConfigException("cannot listen on " + host + ":" + port + ": another process is listening there;"
                    + " choose another port with " + choose);
        }
        return new ConfigException("cannot listen on " + host + ":" + port + " (" + why + "); check "
                + Setting.HOST.flagName() + " or " + Setting.HOST.env() + ", or choose another port with " + choose);
    }

    /**
     * Starts serving {@code application} on the bound port, answering the connections that waited.
     *
     * @param fromMemory true for a request that is answered without blocking (run on its selector
     *                   thread); it runs on a selector thread itself and must not block
     * @param metrics    counts the requests run on each kind of thread
     */
    void serve(ResourceConfig application, Predicate<Request> fromMemory, Metrics metrics) {
        http.getServerConfiguration().addHttpHandler(new RequestDispatch(
                ContainerFactory.createContainer(GrizzlyHttpContainer.class, application), fromMemory,
                metrics.requestThreads("selector")::increment, metrics.requestThreads("worker")::increment),
                HttpHandlerRegistration.ROOT);
        http.getListeners().forEach(NetworkListener::resume);
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
