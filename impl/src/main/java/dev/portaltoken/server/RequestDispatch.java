package dev.portaltoken.server;

import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;

/**
 * Jersey's container, each request run where it costs least. The listener reads every connection on
 * its selector threads ({@code SameThreadIOStrategy}); a request whose whole body has arrived and that
 * {@code fromMemory} says is answered without blocking (a cache hit of the token path, the health
 * checks, the JWKS) runs on the selector thread that read it. Every other request (one that may wait
 * on PostgreSQL or for more of its body) is handed to the transport's request threads, as Grizzly's
 * default strategy hands every request. Without the hand-off a cache hit skips a park and wake-up per
 * request, and under load only as many threads as cores are runnable, so the JIT's compiler threads
 * are not starved while the server warms up (see bench/README.md).
 *
 * <p>Thread-safe: {@code fromMemory} runs on selector threads and must not block.
 */
final class RequestDispatch extends HttpHandler implements RequestExecutorProvider {
    private final GrizzlyHttpContainer container;
    private final Predicate<Request> fromMemory;
    private final Runnable onSelector;
    private final Runnable onWorker;

    /**
     * @param onSelector counts a request run on its selector thread; {@code onWorker} one handed over
     */
    RequestDispatch(GrizzlyHttpContainer container, Predicate<Request> fromMemory, Runnable onSelector,
                    Runnable onWorker) {
        this.container = container;
        this.fromMemory = fromMemory;
        this.onSelector = onSelector;
        this.onWorker = onWorker;
    }

    /** Called on the selector thread that read the request's head: null runs it there. */
    @Override
    public Executor getExecutor(Request request) {
        if (request.getInputBuffer().isFinished() && fromMemory.test(request)) {
            onSelector.run();
            return null;
        }
        onWorker.run();
        return request.getContext().getConnection().getTransport().getWorkerThreadPool();
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
        return this;
    }

    @Override
    public void service(Request request, Response response) {
        container.service(request, response);
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public void destroy() {
        container.destroy();
    }
}
