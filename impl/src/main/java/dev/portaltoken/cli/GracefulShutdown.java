package dev.portaltoken.cli;

import dev.portaltoken.server.LogSetup;
import dev.portaltoken.server.PortalTokenServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the server in order (stop accepting, finish in-flight requests, close
 * the pool, stop the embedded PostgreSQL, write the waiting request log lines) and then exit 0. Handling the signals directly, instead of
 * in a JVM shutdown hook, keeps the embedded PostgreSQL's own hook from stopping the database under
 * requests still in flight, and makes the exit status 0 rather than 143.
 */
final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    static void install(PortalTokenServer server) {
        Runnable stop = () -> {
            LOG.info("stopping: finishing in-flight requests");
            server.close();
            LogSetup.flush(); // the request log lines still waiting
            LOG.info("stopped");
            System.exit(0);
        };
        for (String name : new String[] {"TERM", "INT"}) {
            // Not a daemon (the signal-handler thread it is created from is one): the JVM must not end before it does.
            Signal.handle(new Signal(name), signal -> { Thread t = new Thread(stop, "shutdown"); t.setDaemon(false); t.start(); });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            LogSetup.flush();
        }, "shutdown-hook"));
    }
}
